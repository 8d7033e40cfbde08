// Goal: the customer profile shows contact details, active cards and add-card requests, never secrets.
// Method: replay realistic customer streams in memory and assert the stored document.
import type { Position } from '@ledger/event-store';
import { MalformedEventError, type ProjectedEvent, replay } from '../projection.js';
import { customerProfileProjection } from './customer-profile.projection.js';

type Step = [type: string, data: Record<string, unknown>];

const tenant = 'tenant-1';
const customerId = 'c-1';

function history(...steps: Step[]): ProjectedEvent[] {
  return steps.map(([type, data], index) => ({
    type,
    data,
    streamName: `customer-${customerId}`,
    revision: index,
    position: (index + 1).toString(16).padStart(16, '0') as Position,
    tenant,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
  }));
}

const registered: Step = [
  'CustomerRegistered',
  { customerId, name: 'Ada Lovelace', email: 'ada@example.com', phone: null },
];
const saved = (cardId: string, last4: string): Step => [
  'CardSaved',
  {
    customerId,
    cardId,
    processorCustomerId: 'cus_1',
    processorPaymentMethodId: `pm_${cardId}`,
    brand: 'visa',
    last4,
    expMonth: 4,
    expYear: 2031,
  },
];
const requested: Step = [
  'CardRequested',
  {
    customerId,
    requestId: 'rq-1',
    tokenHash: 'secret-hash',
    email: 'ada@example.com',
    expiresAt: '2026-01-08T00:00:00.000Z',
  },
];

const customerAfter = (...steps: Step[]) =>
  replay(customerProfileProjection, history(...steps)).get(`customers/${customerId}`);

describe('customer-profile projection', () => {
  it('registers a customer with no cards and no requests', () => {
    expect(customerAfter(registered)).toEqual({
      tenant,
      customerId,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: null,
      cards: [],
      cardRequests: [],
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      position: '0000000000000001',
    });
  });

  it('lists saved cards with display data only, and drops removed ones', () => {
    const doc = customerAfter(registered, saved('card-1', '4242'), saved('card-2', '5555'), [
      'CardRemoved',
      { customerId, cardId: 'card-1' },
    ]);
    expect(doc?.cards).toEqual([{ cardId: 'card-2', brand: 'visa', last4: '5555', expMonth: 4, expYear: 2031 }]);
    expect(JSON.stringify(doc)).not.toContain('pm_card');
    expect(doc?.updatedAt).toBe('2026-01-01T00:03:00.000Z');
  });

  it('tracks a card request to fulfilment without keeping the token hash', () => {
    const pending = customerAfter(registered, requested);
    expect(pending?.cardRequests).toEqual([
      {
        requestId: 'rq-1',
        status: 'PENDING',
        email: 'ada@example.com',
        expiresAt: '2026-01-08T00:00:00.000Z',
        cardId: null,
      },
    ]);
    expect(JSON.stringify(pending)).not.toContain('secret-hash');
    const fulfilled = customerAfter(registered, requested, saved('card-9', '1881'), [
      'CardRequestFulfilled',
      { customerId, requestId: 'rq-1', cardId: 'card-9' },
    ]);
    expect(fulfilled).toMatchObject({
      cards: [{ cardId: 'card-9', last4: '1881' }],
      cardRequests: [{ requestId: 'rq-1', status: 'FULFILLED', cardId: 'card-9' }],
    });
  });

  it('marks an unanswered request expired', () => {
    const doc = customerAfter(registered, requested, ['CardRequestExpired', { customerId, requestId: 'rq-1' }]);
    expect(doc?.cardRequests).toMatchObject([{ requestId: 'rq-1', status: 'EXPIRED', cardId: null }]);
  });

  it('keeps no balance: that is summed from the booking documents at query time', () => {
    expect(customerAfter(registered)).not.toHaveProperty('balance');
  });

  it('changes nothing when the same event is applied twice', () => {
    const events = history(registered, saved('card-1', '4242'));
    const once = replay(customerProfileProjection, events);
    expect(replay(customerProfileProjection, [...events, events[1]!])).toEqual(once);
    expect(customerProfileProjection.evolve({ get: () => once.get(`customers/${customerId}`)! }, events[1]!)).toEqual(
      [],
    );
  });

  it('ignores event types it does not know', () => {
    const events = history(registered, ['CustomerRenamed', { customerId, name: 'Ada King' }]);
    expect(customerProfileProjection.evolve({ get: () => null }, events[1]!)).toEqual([]);
    expect(replay(customerProfileProjection, events).get(`customers/${customerId}`)).toMatchObject({
      name: 'Ada Lovelace',
    });
  });

  it('throws on malformed data, naming the position', () => {
    const badCard = history(registered, [
      'CardSaved',
      { customerId, cardId: 'card-1', brand: 'visa', last4: '4242', expMonth: '04', expYear: 2031 },
    ]);
    expect(() => replay(customerProfileProjection, badCard)).toThrow(MalformedEventError);
    expect(() => replay(customerProfileProjection, badCard)).toThrow(
      /CardSaved at position 0000000000000002.*expMonth/,
    );
    expect(() => customerAfter(['CustomerRegistered', { name: 'x', email: 'y' }])).toThrow(/customerId is missing/);
    expect(() => customerAfter(registered, ['CardRequestExpired', { customerId, requestId: 'rq-7' }])).toThrow(
      /never made/,
    );
    expect(() => customerAfter(saved('card-1', '4242'))).toThrow(/never registered/);
  });
});
