// Goal: an auditor sees every recorded event with who did what and when, but never secret
// material: the hash of an API key's secret or of a payment-link or add-card token, at any depth,
// and is told which fields were withheld.
// Method: auditorView on recorded events shaped as the domain records them; assert the view.
import type { Position, RecordedEvent } from '@ledger/event-store';
import { auditorView, isSecretField } from './auditor-view.js';

const HASH = 'a'.repeat(64);

function recorded(type: string, data: unknown, metadata: Record<string, unknown> = {}): RecordedEvent {
  return {
    id: 'e1',
    type,
    data,
    metadata: { actor: 'SYSTEM:cli', tenant: 'sparkle', occurredAt: '2026-11-22T10:00:00.000Z', ...metadata },
    streamName: 's-1',
    revision: 0,
    position: '0000000000000001' as Position,
    recordedAt: new Date('2026-11-22T10:00:00.000Z'),
    chain: { previousHash: null, hash: HASH },
  };
}

describe("the auditor's view of an event", () => {
  it('shows that a key was made, by whom and with what role and label, but not its hash', () => {
    const event = recorded('ApiKeyCreated', { keyId: 'k1', tenantId: 'sparkle', role: 'AUDITOR', secretHash: HASH, label: 'year-end audit' });
    const view = auditorView(event);
    expect(view.data).toEqual({ keyId: 'k1', tenantId: 'sparkle', role: 'AUDITOR', label: 'year-end audit' });
    expect(view.metadata).toEqual(event.metadata);
    expect(view.redacted).toEqual(['data.secretHash']);
    expect(view).toMatchObject({ id: 'e1', type: 'ApiKeyCreated', streamName: 's-1', revision: 0, position: '0000000000000001' });
    expect(JSON.stringify(view)).not.toContain(HASH);
  });

  it.each([
    [
      'PaymentLinkCreated',
      { linkId: 'l1', customerId: 'c1', bookingIds: ['b1'], amount: { amountMinor: 100, currency: 'CAD' }, tokenHash: HASH, email: 'a@b.c', expiresAt: 'x' },
    ],
    ['CardRequested', { customerId: 'c1', requestId: 'r1', tokenHash: HASH, email: 'a@b.c', expiresAt: 'x' }],
  ])('withholds the token hash of %s and keeps the rest', (type, data) => {
    const view = auditorView(recorded(type, data));
    expect(view.redacted).toEqual(['data.tokenHash']);
    expect(view.data).toEqual(Object.fromEntries(Object.entries(data).filter(([name]) => name !== 'tokenHash')));
  });

  it('withholds secret fields at any depth, in data and metadata alike', () => {
    const view = auditorView(recorded('IdempotentCommandCompleted', { result: { items: [{ clientSecret: 'pi_secret', id: 'p1' }] } }, { apiToken: 'x' }));
    expect(view.data).toEqual({ result: { items: [{ id: 'p1' }] } });
    expect(view.metadata).not.toHaveProperty('apiToken');
    expect(view.redacted).toEqual(['data.result.items[0].clientSecret', 'metadata.apiToken']);
  });

  it('leaves events without secrets as recorded, and drops the chain link it could not verify', () => {
    const data = { paymentId: 'p1', processorPaymentId: 'pi_1', amount: { amountMinor: 500, currency: 'CAD' }, idempotencyKey: 'k' };
    const view = auditorView(recorded('Charged', data));
    expect(view.data).toEqual(data);
    expect(view.redacted).toEqual([]);
    expect(view).not.toHaveProperty('chain');
  });

  it('names secret fields by what they hold, not by every field that mentions a key', () => {
    expect(['secretHash', 'tokenHash', 'clientSecret', 'token', 'password'].every(isSecretField)).toBe(true);
    expect(['keyId', 'idempotencyKey', 'processorPaymentMethodId', 'fingerprint', 'actor'].some(isSecretField)).toBe(false);
  });
});
