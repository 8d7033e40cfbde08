// Goal: no authentic Stripe body, however malformed, makes the translation throw. A body that is
// not an event object is named as such (the endpoint answers it with a 400); an event whose
// payload is unusable becomes `ignored` with the field named; a missing optional field still
// translates to what the event means.
// Method: for every event type the ledger acts on, each field its translation reads removed, set
// to null or given a value of another kind (stripeEvents.corruptions), with an exact expectation
// each; then fast-check properties that put arbitrary JSON in any of those fields, several at once.
import fc from 'fast-check';
import type { Money } from '@ledger/domain';
import { stripeEvents } from '@ledger/testing';
import { stripeEventProblem, translateStripeEvent } from './stripe-event-translation.js';
import type { WebhookAction } from './stripe-event-translation.js';
import { isJsonObject, isStripeWord } from './stripe-fields.js';

type StripeEventBody = stripeEvents.StripeEventBody;

const { corruptions, handledEvents, withField } = stripeEvents;
const handled = handledEvents();
const escaped = (path: string) => path.replace(/\./g, '\\.');

describe('stripeEventProblem', () => {
  it('accepts every event body, and says in one line why anything else is not one', () => {
    for (const { body } of handled) expect(stripeEventProblem(body)).toBeUndefined();
    const notEvents = [[1, 2], {}, [], null, 42, 'evt_1', { id: 'evt_1' }, { type: 'invoice.paid' }, { id: 5, type: 'invoice.paid' }];
    const badIds = ['', 'evt 1', 'evt_1\n', 'e'.repeat(256)].map((id) => ({ id, type: 'invoice.paid' }));
    for (const body of [...notEvents, ...badIds, { id: 'evt_1', type: ['invoice.paid'] }]) {
      expect(stripeEventProblem(body)).toMatch(/^its? [^\n]+$/);
    }
  });

  it('tells an event from anything else, whatever the JSON', () => {
    const idOrNot = fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue());
    const bodies = fc.oneof(fc.jsonValue(), fc.record({ id: idOrNot, type: idOrNot }, { requiredKeys: [] }));
    fc.assert(
      fc.property(bodies, (body) => {
        const isEvent = isJsonObject(body) && isStripeWord(body.id) && isStripeWord(body.type);
        expect(stripeEventProblem(body) === undefined).toBe(isEvent);
      }),
      { numRuns: 500 },
    );
  });
});

describe('translateStripeEvent on malformed events', () => {
  it.each(handled.map((event) => [event.name, event.body] as const))('translates the valid %s to an action', (_name, body) => {
    const { action } = translateStripeEvent(body);
    expect(action.kind).not.toBe('ignored');
    expectUsable(action);
  });

  const cases = handled.flatMap(corruptions).map((corruption) => [corruption.name, corruption] as const);

  it.each(cases)('%s', (_name, { field, change, body }) => {
    const { eventId, type, action } = translateStripeEvent(body);
    expect({ eventId, type }).toEqual({ eventId: body.id, type: body.type });
    if (change === 'wrong kind' || !field.optional) {
      const reason = new RegExp(`^malformed event: ${escaped(field.path)}[ .][^\\n]+$`);
      expect(action).toEqual({ kind: 'ignored', reason: expect.stringMatching(reason) });
    } else {
      expect(action).not.toMatchObject({ reason: expect.stringMatching(/^malformed/) });
      expectUsable(action);
    }
  });

  it('never throws, whatever JSON replaces any of the fields read (several at once, or removed)', () => {
    const corrupted = fc.constantFrom(...handled).chain((event) => {
      const paths = fc.constantFrom(...event.reads.map((field) => field.path));
      const changes = fc.dictionary(paths, fc.option(fc.jsonValue(), { nil: undefined }), { minKeys: 1, maxKeys: 4 });
      return changes.map((fields) => corrupt(event.body, fields));
    });
    fc.assert(
      fc.property(corrupted, (body) => expectUsable(translateStripeEvent(body).action)),
      { numRuns: 2_000 },
    );
  });

  it('never throws, whatever JSON the event carries as its data or its object', () => {
    const payloads = fc.tuple(fc.constantFrom(...handled), fc.constantFrom('data', 'data.object'), fc.jsonValue());
    fc.assert(
      fc.property(payloads, ([event, path, value]) => expectUsable(translateStripeEvent(withField(event.body, path, value)).action)),
      { numRuns: 1_000 },
    );
  });
});

/** Applies the deepest changes first, so a field replaced under a parent that is replaced too is moot. */
function corrupt(body: StripeEventBody, fields: Record<string, unknown>): StripeEventBody {
  const deepestFirst = Object.keys(fields).sort((left, right) => right.split('.').length - left.split('.').length);
  return deepestFirst.reduce((current, path) => withField(current, path, fields[path]), body);
}

/** What the processor may rely on in an action: Stripe ids, whole minor units, real instants. */
function expectUsable(action: WebhookAction): void {
  switch (action.kind) {
    case 'ignored':
    case 'other-api-version':
      return expect(action.reason).toMatch(/^[^\n]+$/);
    case 'account-updated':
      expect(isStripeWord(action.accountId)).toBe(true);
      return expect([typeof action.chargesEnabled, typeof action.detailsSubmitted]).toEqual(['boolean', 'boolean']);
    case 'card-setup-confirmed':
      return expect(isStripeWord(action.setupIntentId)).toBe(true);
    default:
      expect(isStripeWord(action.payment.processorPaymentId)).toBe(true);
  }
  switch (action.kind) {
    case 'charge-succeeded':
      return expectMoney(action.amount);
    case 'authorized':
      expectMoney(action.amount);
      return expect(Number.isNaN(Date.parse(action.captureBefore))).toBe(false);
    case 'charge-failed':
      expect([action.failureCode, action.declineCode ?? 'none'].every(isStripeWord)).toBe(true);
      return expect(typeof action.message).toBe('string');
    case 'canceled':
      return expect(isStripeWord(action.reason)).toBe(true);
    case 'refunded':
      expect(action.refunds.length).toBeGreaterThan(0);
      for (const refund of action.refunds) expectMoney(refund.amount);
      return expect(action.refunds.every((refund) => isStripeWord(refund.processorRefundId))).toBe(true);
    case 'dispute-opened':
    case 'dispute-closed':
      expectMoney(action.dispute.amount);
      expect([action.dispute.disputeId, action.dispute.reason].every(isStripeWord)).toBe(true);
      return expect(Number.isNaN(Date.parse(action.dispute.evidenceDueBy ?? '2026-01-01T00:00:00Z'))).toBe(false);
  }
}

function expectMoney(amount: Money): void {
  expect(Number.isSafeInteger(amount.amountMinor) && amount.amountMinor >= 0).toBe(true);
  expect(amount.currency).toMatch(/^[A-Z]{3}$/);
}
