// Goal: the small shared contracts (stream names, event metadata, time parsing) hold exactly.
// Method: call each helper with representative and edge inputs and assert the result or code.
import {
  DomainError,
  eventMetadataFor,
  formatActor,
  parseActor,
  parseStreamName,
  streamCategories,
  streamName,
} from '@ledger/domain';
import { commandContext } from '@ledger/testing';
import { requireInstant } from './validation.js';

describe('stream names', () => {
  it('prefixes the id with a dash-free category', () => {
    expect(streamName.tenant('t1')).toBe('tenant-t1');
    expect(streamName.customer('c1')).toBe('customer-c1');
    expect(streamName.booking('0b7a-41')).toBe('booking-0b7a-41');
    expect(streamName.payment('p1')).toBe('payment-p1');
    expect(streamName.paymentLink('l1')).toBe('paymentlink-l1');
    for (const category of Object.values(streamCategories)) expect(category).not.toContain('-');
  });

  it('parses a name back at the first dash, so ids may contain dashes', () => {
    expect(parseStreamName('booking-0b7a-41')).toStrictEqual({ category: 'booking', id: '0b7a-41' });
  });

  it('rejects empty ids and unknown categories', () => {
    expect(() => streamName.booking('')).toThrow(DomainError);
    expect(() => parseStreamName('order-1')).toThrow(DomainError);
    expect(() => parseStreamName('booking-')).toThrow(DomainError);
  });
});

describe('event metadata', () => {
  it('makes a command that starts a chain its own correlation and causation', () => {
    expect(eventMetadataFor(commandContext({ commandId: 'c-9' }))).toStrictEqual({
      commandId: 'c-9',
      correlationId: 'c-9',
      causationId: 'c-9',
      actor: 'API_KEY:key-1',
      tenant: 'tenant-1',
      occurredAt: '2025-06-01T12:00:00.000Z',
    });
  });

  it('keeps the chain of a command caused by an earlier event', () => {
    const metadata = eventMetadataFor(commandContext({ correlationId: 'origin', causationId: 'event-7' }));
    expect([metadata.correlationId, metadata.causationId]).toStrictEqual(['origin', 'event-7']);
  });
});

describe('actors', () => {
  it('flatten to KIND:id and back, keeping colons inside the id', () => {
    const actor = { kind: 'PROCESSOR', id: 'evt:1' } as const;
    expect(formatActor(actor)).toBe('PROCESSOR:evt:1');
    expect(parseActor('PROCESSOR:evt:1')).toStrictEqual(actor);
    expect(() => parseActor('ROBOT:1')).toThrow();
  });
});

describe('instants', () => {
  it('compares instants as numbers whatever their precision or offset', () => {
    expect(requireInstant('2025-06-01T10:00:00Z', 'at')).toBe(requireInstant('2025-06-01T12:00:00.000+02:00', 'at'));
  });

  it.each(['2025-02-30T00:00:00Z', '2025-06-01T10:00:00', '2025-06-01', 'tomorrow'])('rejects %p', (value) => {
    expect(() => requireInstant(value, 'at')).toThrow(DomainError);
  });
});
