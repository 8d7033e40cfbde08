/**
 * The world a fuzz run starts from: a business with a key of every role, customers with cards,
 * bookings paid in every way (a card charge, a hold, cash, a payment link, a card request), and a
 * second business with a booking and a payment of its own, so generated ids reach real documents
 * in the caller's tenant and another's. Everything is made through the public API.
 */
import { createTenantWithKey, graphql, keyFor } from '../graphql-client.js';
import type { Json } from '../graphql-client.js';
import type { TestApi } from '../test-api.js';
import type { FuzzPools } from './input-values.js';
import { FUZZ_ROLES } from './operations.js';
import type { FuzzRole } from './operations.js';

export interface FuzzWorld {
  readonly keys: Readonly<Record<Exclude<FuzzRole, 'NONE'>, string>>;
  readonly pools: FuzzPools;
}

type Run = (query: string, variables?: Json) => Promise<Json>;

/** The id at a dotted path of an answer, e.g. `createBooking.booking.id`. */
function idAt(data: Json, path: string): string {
  const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
  if (typeof value !== 'string') throw new Error(`seeding: no id at ${path} in ${JSON.stringify(data)}`);
  return value;
}

function runner(api: TestApi, key: string): Run {
  return async (query, variables = {}) => {
    const answer = await graphql(api, key, query, variables);
    if (answer.errors) throw new Error(`seeding failed: ${JSON.stringify(answer.errors)} for ${query}`);
    return answer.data!;
  };
}

/** One business's customer, bookings and payments; returns every id it made, by kind. */
async function seedBusiness(run: Run, name: string): Promise<FuzzPools['mine']> {
  await run('mutation { connectStripeAccount(input: { returnUrl: "http://localhost/return" }) { state } }');
  const customer = idAt(
    await run('mutation($n: String!) { registerCustomer(input: { name: $n, email: "fuzz@example.com" }) { id } }', { n: name }),
    'registerCustomer.id',
  );
  const card = idAt(
    await run('mutation($c: ID!) { saveCard(input: { customerId: $c, paymentMethodToken: "pm_card_visa" }) { id } }', { c: customer }),
    'saveCard.id',
  );
  const book = async (amount: number) =>
    idAt(
      await run(
        'mutation($c: ID!, $a: SafeInt!) { createBooking(input: { customerId: $c, description: "Deep clean", amountMinor: $a, currency: "CAD", serviceDate: "2026-11-20", source: PHONE }) { booking { id } } }',
        { c: customer, a: amount },
      ),
      'createBooking.booking.id',
    );
  const [charged, held, cashed, linked] = [await book(10_000), await book(8_000), await book(6_000), await book(4_000)];
  const charge = idAt(
    await run('mutation($b: ID!, $k: ID!) { chargeBooking(input: { bookingId: $b, cardId: $k, amountMinor: 2500, idempotencyKey: "seed-charge" }) { id } }', {
      b: charged,
      k: card,
    }),
    'chargeBooking.id',
  );
  const hold = idAt(
    await run('mutation($b: ID!, $k: ID!) { authorizePayment(input: { bookingId: $b, cardId: $k, idempotencyKey: "seed-hold" }) { id } }', {
      b: held,
      k: card,
    }),
    'authorizePayment.id',
  );
  const cash = idAt(
    await run('mutation($b: ID!) { recordOfflinePayment(input: { bookingId: $b, amountMinor: 1000, method: CASH, idempotencyKey: "seed-cash" }) { id } }', {
      b: cashed,
    }),
    'recordOfflinePayment.id',
  );
  const link = idAt(
    await run('mutation($c: ID!, $b: [ID!]) { sendPaymentLink(input: { customerId: $c, bookingIds: $b }) { id } }', { c: customer, b: [linked] }),
    'sendPaymentLink.id',
  );
  const request = idAt(await run('mutation($c: ID!) { requestCard(input: { customerId: $c }) { id } }', { c: customer }), 'requestCard.id');
  return { customer: [customer], card: [card], booking: [charged, held, cashed, linked], payment: [charge, hold, cash], link: [link], cardRequest: [request] };
}

export async function seedFuzzWorld(api: TestApi): Promise<FuzzWorld> {
  const admin = await createTenantWithKey(api, 'fuzz');
  const keys: Record<string, string> = { ADMIN: admin, FORGED: `lk_0123456789abcdef_${'A'.repeat(43)}` };
  for (const role of FUZZ_ROLES.filter((r) => r !== 'ADMIN')) keys[role] = await keyFor(api, 'fuzz', role);
  const mine = await seedBusiness(runner(api, admin), 'Fuzz Customer');
  const theirs = await seedBusiness(runner(api, await createTenantWithKey(api, 'fuzz-other')), 'Other Customer');
  return { keys: keys as FuzzWorld['keys'], pools: { mine, foreign: Object.values(theirs).flat() } };
}
