// Goal: amounts near 2^53 never break reads or lose precision. The hostile probe booked
// 9,007,199,254,740,991 (Number.MAX_SAFE_INTEGER) twice for one customer, and customer.balance,
// customers, receivables and collectionsReport then failed for the whole tenant. Now such an
// amount is refused with VALIDATION_FAILED naming amountMinor and changes nothing; amounts at
// the documented maximum (MAX_AMOUNT_MINOR) are accepted and every read adds them up exactly;
// and SafeInt refuses a digit string given as a variable.
// Method: the embedded API on a temp data dir over real HTTP; every total is compared with
// bigint arithmetic done in the test.
import { MAX_AMOUNT_MINOR } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql } from '../testing/graphql-client.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX = BigInt(MAX_AMOUNT_MINOR);
const CREATE = 'mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { id balance { amountMinor } } } }';
const CASH = 'mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { id status } }';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('GraphQL API: amounts near 2^53', () => {
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    api = await startTestApi();
    key = await createTenantWithKey(api, 'probe');
  });
  afterAll(async () => {
    await api.close();
  });

  async function customer(name: string): Promise<string> {
    const res = await graphql(api, key, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name, email: 'probe@example.com' } });
    expect(res.errors).toBeUndefined();
    return res.data!.registerCustomer.id as string;
  }

  const bookingInput = (customerId: string, amountMinor: unknown, serviceDate = '2026-01-15') => ({
    i: { customerId, description: 'Large job', amountMinor, currency: 'CAD', serviceDate, source: 'PHONE' },
  });

  it('refuses two bookings of 2^53-1 with VALIDATION_FAILED naming amountMinor, and changes nothing', async () => {
    const customerId = await customer('Probe');
    const before = await api.app.get(EventStore).headPosition();
    for (const amountMinor of [MAX_SAFE, MAX_SAFE, MAX_AMOUNT_MINOR + 1]) {
      const res = await graphql(api, key, CREATE, bookingInput(customerId, amountMinor));
      expect(codesOf(res)).toEqual(['VALIDATION_FAILED']);
      expect(res.errors![0]!.message).toMatch(/amountMinor must not be greater than 1000000000000/);
      expect(res.errors![0]!.extensions).toMatchObject({ details: { fields: [expect.objectContaining({ field: 'amountMinor' })] } });
    }
    const cash = await graphql(api, key, CASH, { i: { bookingId: 'b-none', method: 'CASH', amountMinor: MAX_SAFE, idempotencyKey: 'cash-huge' } });
    expect(codesOf(cash)).toEqual(['VALIDATION_FAILED']);
    expect(await api.app.get(EventStore).headPosition()).toBe(before);
    const read = await graphql(api, key, 'query($id: ID!) { customer(id: $id) { balance { amountMinor } bookings { edges { cursor } } } }', { id: customerId });
    expect(read.data!.customer).toEqual({ balance: { amountMinor: 0 }, bookings: { edges: [] } });
  });

  it('refuses a SafeInt variable given as a digit string, naming the value', async () => {
    const customerId = await customer('Strings');
    const res = await graphql(api, key, CREATE, bookingInput(customerId, '100'));
    expect({ status: res.status, codes: codesOf(res) }).toEqual({ status: 400, codes: ['BAD_USER_INPUT'] });
    expect(res.errors![0]!.message).toContain('"100"');
  });

  it('adds two bookings at the maximum exactly in customer.balance, customers, receivables and collectionsReport', async () => {
    const owing = await customer('Owing');
    const paying = await customer('Paying');
    for (const serviceDate of ['2026-01-15', '2026-02-15']) {
      const res = await graphql(api, key, CREATE, bookingInput(owing, MAX_AMOUNT_MINOR, serviceDate));
      expect(res.errors).toBeUndefined();
    }
    for (const n of [1, 2]) {
      const booked = await graphql(api, key, CREATE, bookingInput(paying, MAX_AMOUNT_MINOR));
      const cash = await graphql(api, key, CASH, { i: { bookingId: booked.data!.createBooking.booking.id, method: 'CASH', idempotencyKey: `cash-max-${n}` } });
      expect(cash.data!.recordOfflinePayment).toMatchObject({ status: 'SUCCEEDED' });
    }

    const balance = await graphql(api, key, 'query($id: ID!) { customer(id: $id) { balance { amountMinor currency } } }', { id: owing });
    expect(balance.errors).toBeUndefined();
    expect(BigInt(balance.data!.customer.balance.amountMinor)).toBe(2n * MAX);

    const list = await graphql(api, key, 'query { customers(first: 100) { edges { node { id balance { amountMinor } } } } }');
    expect(list.errors).toBeUndefined();
    const balances = new Map((list.data!.customers.edges as { node: { id: string; balance: { amountMinor: number } } }[]).map(({ node }) => [node.id, BigInt(node.balance.amountMinor)]));
    expect(balances.get(owing)).toBe(2n * MAX);
    expect(balances.get(paying)).toBe(0n);

    const aged = await graphql(api, key, 'query { receivables(asOf: "2026-03-01") { rows { customerId outstanding { amountMinor } buckets { days1to30 days31to60 } } totals { outstandingMinor days1to30 days31to60 } } }');
    expect(aged.errors).toBeUndefined();
    expect(aged.data!.receivables.rows).toEqual([{ customerId: owing, outstanding: { amountMinor: Number(2n * MAX) }, buckets: { days1to30: MAX_AMOUNT_MINOR, days31to60: MAX_AMOUNT_MINOR } }]);
    expect(BigInt(aged.data!.receivables.totals.outstandingMinor)).toBe(2n * MAX);

    const report = await graphql(api, key, `query { collectionsReport(from: "${day(-2)}", to: "${day(2)}") { totals { count collected { amountMinor } net { amountMinor } } } }`);
    expect(report.errors).toBeUndefined();
    const { totals } = report.data!.collectionsReport;
    expect(totals.count).toBe(2);
    expect(BigInt(totals.collected.amountMinor)).toBe(2n * MAX);
    expect(BigInt(totals.net.amountMinor)).toBe(2n * MAX);
  });
});
