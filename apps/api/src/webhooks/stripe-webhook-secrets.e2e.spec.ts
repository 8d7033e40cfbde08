// Goal: the webhook endpoint trusts every endpoint's signing secret (the platform's own and the
// Connect one each have theirs), says in the log which one matched without ever printing a
// secret, and reads only events rendered in the pinned Stripe API version: another version is
// acknowledged with an `ignored:` answer, logged, and not recorded, so the same event delivered
// again in the right version is acted on.
// Method: the API over real HTTP on the sandbox processor, configured with STRIPE_WEBHOOK_SECRETS
// only; event bodies signed with Stripe's test-header helper; the Nest logger's calls observed;
// assertions on the answers, the idempotency records and the payment stream.
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { STRIPE_API_VERSION } from '@ledger/payments';
import { stripeEvents } from '@ledger/testing';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { eventTypes, postSigned, recordedOutcome, seedBooking, seedBusiness, seedOpenPayment } from './webhook-test-kit.js';
import type { Business } from './webhook-test-kit.js';

const { event, paymentIntent } = stripeEvents;
const PLATFORM_SECRET = 'whsec_platform_endpoint';
const CONNECT_SECRET = 'whsec_connect_endpoint';

describe('POST /webhooks/stripe with a signing secret per endpoint', () => {
  let api: TestApi;
  let sparkle: Business;
  let logged: string[];

  beforeAll(async () => {
    api = await startTestApi({ STRIPE_WEBHOOK_SECRETS: `${PLATFORM_SECRET}, ${CONNECT_SECRET}` });
    sparkle = await seedBusiness(api, 'sparkle');
  });
  afterAll(() => api.close());
  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'warn'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => void logged.push(String(message)));
    }
  });
  afterEach(() => jest.restoreAllMocks());

  it("accepts events signed with either endpoint's secret, naming the one that matched, and refuses others", async () => {
    const platform = event('invoice.paid', { id: 'in_1', object: 'invoice' });
    const connect = event('invoice.paid', { id: 'in_2', object: 'invoice' }, { account: sparkle.accountId });
    expect(await postSigned(api, platform, PLATFORM_SECRET)).toMatchObject({
      status: 200,
      body: { outcome: 'ignored: the ledger does not act on invoice.paid' },
    });
    expect(await postSigned(api, connect, CONNECT_SECRET)).toMatchObject({ status: 200 });
    expect(await postSigned(api, event('invoice.paid', { id: 'in_3' }), 'whsec_someone_else')).toMatchObject({
      status: 400,
      body: { message: 'The Stripe signature does not match the body' },
    });
    expect(logged).toContain(`invoice.paid ${platform.id} signed with STRIPE_WEBHOOK_SECRETS[0]`);
    expect(logged).toContain(`invoice.paid ${connect.id} signed with STRIPE_WEBHOOK_SECRETS[1]`);
    expect(logged.join('\n')).not.toMatch(/whsec_/);
  });

  it('acknowledges an event rendered in another API version without reading or recording it', async () => {
    const bookingId = await seedBooking(api, sparkle);
    const paymentId = await seedOpenPayment(api, sparkle, bookingId);
    const succeeded = paymentIntent('pi_other_version', { metadata: { paymentId, tenant: 'sparkle' } });
    const old = event('payment_intent.succeeded', succeeded, { account: sparkle.accountId, apiVersion: '2025-09-30.clover' });
    const outcome = `ignored: rendered in Stripe API version 2025-09-30.clover; the ledger reads only ${STRIPE_API_VERSION} (set the webhook endpoint's version)`;
    expect(await postSigned(api, old, CONNECT_SECRET)).toEqual({
      status: 200,
      body: { received: true, eventId: old.id, type: 'payment_intent.succeeded', outcome },
    });
    expect(logged.some((line) => line.includes(`${old.id} not read: rendered in Stripe API version 2025-09-30.clover`))).toBe(true);
    expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated']);
    expect(await recordedOutcome(api, old.id)).toBeUndefined();
    // The same event delivered again once the endpoint renders the pinned version is acted on.
    const again = { ...old, api_version: STRIPE_API_VERSION };
    expect((await postSigned(api, again, CONNECT_SECRET)).body.outcome).toMatch(/recorded Charged/);
    expect(await eventTypes(api, `payment-${paymentId}`)).toEqual(['PaymentInitiated', 'Charged']);
  });
});
