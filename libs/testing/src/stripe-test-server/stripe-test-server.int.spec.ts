// Goal: the one Stripe test server does both of its jobs, alone and together: with Stripe's state
// kept it counts one charge per idempotency key, replays first answers, refuses a used key with
// other parameters and finds its charges again; injected faults come first (a 500 stored and
// replayed under its key, as Stripe does) and still work with state kept; without state kept
// every request reaches stripe-mock and nothing is remembered but an injected 500.
// Method: the server in front of the local stripe-mock, driven with plain HTTP requests shaped as
// the `stripe` SDK sends them; assertions on the answers, the charges and the requests recorded.
import { StripeTestServer } from './stripe-test-server.js';

const stripeMockUrl = process.env.STRIPE_MOCK_URL;
const describeWithStripeMock = stripeMockUrl ? describe : describe.skip;

describeWithStripeMock('the Stripe test server', () => {
  let server: StripeTestServer;
  afterEach(() => server.close());

  const create = async (key: string, amount = 4_200) => {
    const body = new URLSearchParams({ amount: String(amount), currency: 'cad', payment_method: 'pm_card_visa', confirm: 'true', 'metadata[paymentId]': key });
    const answer = await fetch(`http://${server.address}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk_test_server', 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
      body,
    });
    return { status: answer.status, replayed: answer.headers.get('idempotent-replayed'), body: (await answer.json()) as Record<string, unknown> };
  };
  const list = async () => {
    const answer = await fetch(`http://${server.address}/v1/payment_intents?limit=10`, { headers: { authorization: 'Bearer sk_test_server' } });
    return ((await answer.json()) as { data: { id: string }[] }).data.map((intent) => intent.id);
  };

  it("keeps Stripe's state: one charge per key, first answers replayed, a used key refused with other parameters, charges listed", async () => {
    server = await StripeTestServer.start({ stripeMock: stripeMockUrl!, keepState: true });
    const first = await create('key-1');
    expect(first).toMatchObject({ status: 200, replayed: null, body: { status: 'succeeded', amount: 4_200 } });
    expect(await create('key-1')).toEqual({ ...first, replayed: 'true' });
    expect(await create('key-1', 9_900)).toMatchObject({ status: 400, body: { error: { type: 'idempotency_error' } } });
    expect(server.charges.map((charge) => charge.id)).toEqual([first.body.id]);
    expect(await list()).toEqual([first.body.id]);
    expect(server.seen('POST', '/v1/payment_intents').map((seen) => [seen.answer, seen.replayed])).toEqual([
      ['stripe-mock', false],
      ['replayed', true],
      ['replayed', true],
    ]);
  });

  it('answers an injected 500 before any state, stores it under the key and replays it, as Stripe does', async () => {
    server = await StripeTestServer.start({ stripeMock: stripeMockUrl!, keepState: true });
    server.inject({ method: 'POST', path: '/v1/payment_intents', times: 1, answer: { kind: 'server-error' } });
    expect(await create('key-500')).toMatchObject({ status: 500, body: { error: { type: 'api_error' } } });
    expect(await create('key-500')).toMatchObject({ status: 500, replayed: 'true' });
    expect(await create('key-ok')).toMatchObject({ status: 200, body: { status: 'succeeded' } });
    expect(server.charges).toHaveLength(1);
    expect(server.seen('POST', '/v1/payment_intents').map((seen) => seen.answer)).toEqual(['server-error', 'replayed-server-error', 'stripe-mock']);
  });

  it("passes stripe-mock's answers through, remembering nothing, without state kept", async () => {
    server = await StripeTestServer.start({ stripeMock: stripeMockUrl! });
    const first = await create('key-1');
    expect(first.status).toBe(200);
    expect(first.body.status).not.toBe('succeeded');
    expect(await create('key-1')).toMatchObject({ status: 200, replayed: null });
    expect(server.charges).toEqual([]);
    server.reset();
    expect(server.requests).toEqual([]);
  });
});
