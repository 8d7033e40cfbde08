// Goal: a signed body that Stripe's documented shapes do not allow gets a clear answer, never a
// 5xx: 400 when it is not an event object (without an event id nothing can be recorded); 200
// `ignored: malformed event: ...`, recorded under its event id, when the event's payload is
// unusable, so a redelivery gets the same answer and nothing else changes. Only an outage
// answers 503.
// Method: the API over real HTTP on the sandbox processor with a signing secret. Every event type
// the ledger acts on is routed to a real payment (open for PaymentIntents, charged for refunds and
// disputes) and the tenant's connected account, then posted with each field its translation reads
// removed, set to null or given a value of another kind (stripeEvents.corruptions), twice each;
// assertions on the answers, the idempotency records and the payment, booking and tenant streams.
import { jest } from '@jest/globals';
import { EventStore } from '@ledger/event-store';
import { stripeEvents } from '@ledger/testing';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { eventTypes, postSigned, recordedOutcome, seedBooking, seedBusiness, seedChargedPayment, seedOpenPayment, WEBHOOK_SECRET } from './webhook-test-kit.js';
import type { Business } from './webhook-test-kit.js';

const { corruptions, event, handledEvents, paymentIntent, withField } = stripeEvents;

describe('POST /webhooks/stripe with malformed but authentic bodies', () => {
  let api: TestApi;
  let sparkle: Business;

  beforeAll(async () => {
    api = await startTestApi({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
    sparkle = await seedBusiness(api, 'sparkle');
  });
  afterAll(() => api.close());

  /** Each handled event type aimed at a payment it would change, and the streams it could change. */
  const routedEvents = async () => {
    const bookingId = await seedBooking(api, sparkle);
    const openPaymentId = await seedOpenPayment(api, sparkle, bookingId);
    const charged = await seedChargedPayment(api, sparkle);
    const route = (paymentId: string, processorPaymentId: string) =>
      handledEvents({ processorPaymentId, metadata: { paymentId, tenant: 'sparkle' }, account: sparkle.accountId });
    const intents = route(openPaymentId, `pi_open_${bookingId.slice(0, 8)}`).filter((handled) => handled.name.startsWith('payment_intent.'));
    const others = route(charged.paymentId, charged.processorPaymentId).filter((handled) => !handled.name.startsWith('payment_intent.'));
    const streams = [`payment-${openPaymentId}`, `booking-${bookingId}`, `payment-${charged.paymentId}`, `booking-${charged.bookingId}`, 'tenant-sparkle'];
    return { events: [...intents, ...others], streams };
  };
  const snapshot = (streams: readonly string[]) => Promise.all(streams.map((stream) => eventTypes(api, stream)));

  it('refuses a signed body that is not an event object with 400 and a one-line message', async () => {
    const invoice = 'invoice.paid';
    const bodies = [[1, 2], {}, [], { id: 'evt_1' }, { type: invoice }, { id: 5, type: invoice }, { id: '', type: invoice }, { id: 'evt 1', type: invoice }];
    for (const body of [...bodies, { id: 'e'.repeat(256), type: invoice }, { id: 'evt_1', type: null }, { id: 'evt_1', type: { name: invoice } }]) {
      const response = await postSigned(api, body);
      expect({ body, response }).toEqual({
        body,
        response: { status: 400, body: expect.objectContaining({ message: expect.stringMatching(/^The body is not a Stripe event: it[^\n]+$/) }) },
      });
    }
    // JSON that is neither an object nor a list is refused by the body parser already, with a 400 too.
    for (const payload of ['null', '42', '"evt_1"', 'true']) expect((await postSigned(api, payload)).status).toBe(400);
  });

  it('acknowledges an event whose object is null as ignored, records it under its id and answers a redelivery the same', async () => {
    const bookingId = await seedBooking(api, sparkle);
    const paymentId = await seedOpenPayment(api, sparkle, bookingId);
    const intent = paymentIntent('pi_null_object', { metadata: { paymentId, tenant: 'sparkle' } });
    const body = withField(event('payment_intent.succeeded', intent, { account: sparkle.accountId }), 'data.object', null);
    const before = await snapshot([`payment-${paymentId}`, `booking-${bookingId}`]);
    const first = await postSigned(api, body);
    const outcome = 'ignored: malformed event: data.object is missing';
    expect(first).toEqual({ status: 200, body: { received: true, eventId: body.id, type: 'payment_intent.succeeded', outcome } });
    expect(await recordedOutcome(api, body.id)).toBe(outcome);
    expect(await postSigned(api, body)).toEqual(first);
    expect(await snapshot([`payment-${paymentId}`, `booking-${bookingId}`])).toEqual(before);
  });

  it('answers every handled event with an unusable field 200 ignored, recorded once, and changes nothing', async () => {
    const { events, streams } = await routedEvents();
    const before = await snapshot(streams);
    const unusable = events.flatMap(corruptions).filter(({ change, field }) => change === 'wrong kind' || !field.optional);
    expect(unusable.length).toBeGreaterThan(300);
    await inBatches(unusable, async ({ name, body }) => {
      const response = await postSigned(api, body);
      expect({ name, status: response.status, outcome: response.body.outcome }).toEqual({
        name,
        status: 200,
        outcome: expect.stringMatching(/^ignored: malformed event: /),
      });
      expect(await recordedOutcome(api, body.id)).toBe(response.body.outcome);
      expect(await postSigned(api, body)).toEqual(response);
    });
    expect(await snapshot(streams)).toEqual(before);
  });

  it('still acts on a handled event missing only optional fields, with a 200 every time', async () => {
    const { events } = await routedEvents();
    const usable = events.flatMap(corruptions).filter(({ change, field }) => change !== 'wrong kind' && field.optional);
    for (const { name, body } of usable) {
      const response = await postSigned(api, body);
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      expect(response.body.outcome).not.toMatch(/^ignored: malformed/);
      expect(await postSigned(api, body)).toEqual(response);
    }
  });

  it('answers an event id already recorded under another type with a rejection, keeping the first record', async () => {
    const first = await postSigned(api, event('invoice.paid', { id: 'in_1' }, { id: 'evt_reused' }));
    const reused = await postSigned(api, event('invoice.created', { id: 'in_1' }, { id: 'evt_reused' }));
    expect(reused).toEqual({ status: 200, body: expect.objectContaining({ outcome: expect.stringMatching(/^rejected: IDEMPOTENCY_KEY_REUSED: /) }) });
    expect(await recordedOutcome(api, 'evt_reused')).toBe(first.body.outcome);
  });

  it('answers 503 only for an outage, and records the malformed event when it is delivered again', async () => {
    const store = api.app.get(EventStore);
    const append = store.appendToStream.bind(store);
    // Only the webhook's own record fails: the projector and process managers keep running meanwhile.
    const outage = jest
      .spyOn(store, 'appendToStream')
      .mockImplementation((stream, ...rest) =>
        stream.startsWith('idempotency-') ? Promise.reject(new Error('SQLITE_BUSY: database is locked')) : append(stream, ...rest),
      );
    const body = withField(event('refund.updated', {}), 'data', 'not an object');
    try {
      const response = await postSigned(api, body);
      expect(response).toEqual({ status: 503, body: expect.objectContaining({ message: 'The event could not be recorded now; deliver it again later' }) });
    } finally {
      outage.mockRestore();
    }
    expect((await postSigned(api, body)).body).toMatchObject({ outcome: 'ignored: malformed event: data is not an object' });
  });
});

/** Posts a few events at a time: each is its own event id, so the order between them means nothing. */
async function inBatches<T>(items: readonly T[], post: (item: T) => Promise<void>, size = 8): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(post));
}
