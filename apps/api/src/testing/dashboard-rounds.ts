/**
 * The dashboard's work in the two-instance fault test, in rounds: what both instances serve
 * before the fault, and what the survivor serves after it. Every request with an idempotency key
 * is repeated somewhere (through the other instance, at once or after), because a repeat that
 * does the work twice is the fault these tests exist to catch.
 */
import type { Endpoint } from './balanced-client.js';
import type { LedgerWorkload } from './ledger-workload.js';
import { until } from './production-instances.js';

export interface Customer {
  readonly customerId: string;
  readonly cardId: string;
  readonly bookingIds: string[];
}

/**
 * Four customers, two through each instance, each with five bookings: a booking repeated through
 * the other instance, the first charged to a new card kept on file with the request sent to both
 * at once, cash and a payment link each repeated through the other. Bookings 3 and 4 are kept.
 */
export function firstRound(work: LedgerWorkload, a: Endpoint, b: Endpoint): Promise<Customer[]> {
  return Promise.all(
    [0, 1, 2, 3].map(async (i) => {
      const [via, other] = i % 2 === 0 ? [a, b] : [b, a];
      const customerId = await work.registerCustomer(via, i);
      const bookingIds: string[] = [];
      for (let j = 0; j < 5; j++) bookingIds.push(await work.book(j % 2 === 0 ? via : other, customerId, `booking-${i}-${j}`));
      await work.repeat(other, `booking-${i}-0`);
      const newCard = { newCardSaved: true } as const;
      await Promise.all([work.charge(via, bookingIds[0]!, newCard, `charge-${i}`), work.charge(other, bookingIds[0]!, newCard, `charge-${i}`)]);
      let cards: string[] = [];
      await until(`customer ${i}'s card on file`, async () => (cards = await work.cardsOf(other, customerId)).length > 0, 10_000);
      await work.cash(via, bookingIds[1]!, `cash-${i}`);
      await work.repeat(other, `cash-${i}`);
      await work.link(via, customerId, [bookingIds[2]!], `link-${i}`);
      await work.repeat(other, `link-${i}`);
      return { customerId, cardId: cards[0]!, bookingIds };
    }),
  );
}

/** The survivor's own work: a new booking per customer charged to the card on file and repeated, cash, a link, a new customer. */
export async function survivorRound(work: LedgerWorkload, via: Endpoint, customers: readonly Customer[]): Promise<void> {
  await Promise.all(
    customers.map(async (customer, i) => {
      const bookingId = await work.book(via, customer.customerId, `after-booking-${i}`);
      if (i === 3) return work.cash(via, bookingId, `after-cash-${i}`);
      await work.charge(via, bookingId, customer, `after-charge-${i}`);
      return work.repeat(via, `after-charge-${i}`);
    }),
  );
  await work.link(via, customers[0]!.customerId, [customers[0]!.bookingIds[4]!], 'after-link-0');
  const customerId = await work.registerCustomer(via, 4);
  await work.charge(via, await work.book(via, customerId, 'after-booking-4'), { newCardSaved: true }, 'after-charge-4');
}
