/**
 * A dashboard's work through the GraphQL API, for tests that run it across several instances:
 * customers registered, bookings made, bookings charged by card (a new card kept on file, then
 * the card on file), cash recorded and payment links e-mailed, each request through a
 * BalancedClient (so a lost answer is sent again, with its idempotency key, to an instance in
 * service).
 *
 * It keeps what a test checks afterwards: every final answer by request (a key sent twice has
 * two answers, which must agree), and every write acknowledged, with when, so a readiness probe
 * can ask whether what was acknowledged before it is in the read models it calls ready.
 */
import type { Answer, BalancedClient, Endpoint } from './balanced-client.js';

const REGISTER = 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }';
const CARDS = 'query($id: ID!) { customer(id: $id) { cards { id } } }';
const BOOK = 'mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }';
const CHARGE = 'mutation($i: ChargeBookingInput!) { chargeBooking(input: $i) { id status captured { amountMinor } } }';
const CASH = 'mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { id status } }';
const LINK = 'mutation($i: SendPaymentLinkInput!) { sendPaymentLink(input: $i) { id status url } }';
export const BOOKING = 'query($id: ID!) { booking(id: $id) { id paymentStatus balance { amountMinor } payments { id status } } }';

/** A write the API acknowledged: a booking, or a payment on one. */
export interface Acknowledged {
  readonly at: number;
  readonly bookingId: string;
  readonly paymentId?: string;
}

export type RequestKind = 'booking' | 'charge' | 'cash' | 'link';

export interface Sent {
  readonly kind: RequestKind;
  readonly key: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly answers: Answer[];
}

/** The object a mutation answered with (its only field), or undefined when it answered an error. */
export function payloadOf(answer: Answer): Record<string, unknown> | undefined {
  const value: unknown = answer.data ? Object.values(answer.data)[0] : undefined;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

export class LedgerWorkload {
  /** Every request with an idempotency key, by key, with each final answer it got. */
  readonly sent = new Map<string, Sent>();
  readonly acknowledged: Acknowledged[] = [];
  private bookings = 0;

  constructor(readonly client: BalancedClient) {}

  async registerCustomer(via: Endpoint, n: number): Promise<string> {
    const answer = await this.client.send(via, REGISTER, { i: { name: `Customer ${n}`, email: `customer${n}@twin.example` } });
    // Registering takes no idempotency key: recorded but not yet readable, it is not sent again
    // (that would register a second customer); the answer names the customer it recorded.
    const pending = answer.errors?.[0]?.extensions?.code === 'RESULT_PENDING' ? (answer.errors[0].extensions.details as { customerId?: string }).customerId : undefined;
    return pending ?? (required(answer, 'registerCustomer').id as string);
  }

  /** The customer's cards on file, as the read models show them. */
  async cardsOf(via: Endpoint, customerId: string): Promise<string[]> {
    const answer = await this.client.send(via, CARDS, { id: customerId });
    return (required(answer, 'customer').cards as { id: string }[]).map((card) => card.id);
  }

  async book(via: Endpoint, customerId: string, key: string): Promise<string> {
    const n = ++this.bookings;
    const input = {
      customerId,
      description: `Clean ${n}`,
      amountMinor: 10_000 + n * 100,
      currency: 'CAD',
      serviceDate: '2026-12-01',
      source: 'PHONE',
      idempotencyKey: key,
    };
    const answer = await this.request('booking', key, via, BOOK, { i: input });
    const bookingId = (required(answer, 'createBooking').booking as { id: string }).id;
    this.acknowledged.push({ at: Date.now(), bookingId });
    return bookingId;
  }

  /** Charges the booking's balance to the card on file, or to a new card kept on file. */
  charge(via: Endpoint, bookingId: string, card: { cardId: string } | { newCardSaved: true }, key: string): Promise<Answer> {
    const paidWith = 'cardId' in card ? { cardId: card.cardId } : { paymentMethodToken: 'pm_card_visa', saveCard: true };
    return this.pay('charge', key, via, CHARGE, bookingId, { bookingId, ...paidWith, idempotencyKey: key });
  }

  cash(via: Endpoint, bookingId: string, key: string): Promise<Answer> {
    return this.pay('cash', key, via, CASH, bookingId, { bookingId, method: 'CASH', idempotencyKey: key });
  }

  link(via: Endpoint, customerId: string, bookingIds: readonly string[], key: string): Promise<Answer> {
    return this.request('link', key, via, LINK, { i: { customerId, bookingIds, idempotencyKey: key } });
  }

  /** Sends the request made with `key` again, unchanged, through `via`: a client's repeat. */
  async repeat(via: Endpoint, key: string): Promise<Answer> {
    const first = this.sent.get(key);
    if (!first) throw new Error(`No request was sent with the key ${key}`);
    return this.request(first.kind, key, via, first.query, first.variables);
  }

  /** The latest write acknowledged before `time`, if any. */
  acknowledgedBefore(time: number): Acknowledged | undefined {
    return this.acknowledged.filter((ack) => ack.at < time).at(-1);
  }

  /** Requests whose final answers were not all successes, or named different objects. */
  disagreements(): { key: string; kind: RequestKind; answers: unknown[] }[] {
    return [...this.sent.values()]
      .filter(({ answers }) => answers.some((answer) => !payloadOf(answer)) || new Set(answers.map((answer) => idOf(answer))).size !== 1)
      .map(({ key, kind, answers }) => ({ key, kind, answers: answers.map((answer) => answer.errors ?? payloadOf(answer)) }));
  }

  private async pay(kind: RequestKind, key: string, via: Endpoint, query: string, bookingId: string, input: Record<string, unknown>): Promise<Answer> {
    const answer = await this.request(kind, key, via, query, { i: input });
    const paymentId = payloadOf(answer)?.id;
    if (typeof paymentId === 'string') this.acknowledged.push({ at: Date.now(), bookingId, paymentId });
    return answer;
  }

  private async request(kind: RequestKind, key: string, via: Endpoint, query: string, variables: Record<string, unknown>): Promise<Answer> {
    const answer = await this.client.send(via, query, variables);
    const entry = this.sent.get(key) ?? { kind, key, query, variables, answers: [] };
    entry.answers.push(answer);
    this.sent.set(key, entry);
    return answer;
  }
}

function idOf(answer: Answer): unknown {
  const payload = payloadOf(answer);
  return payload?.id ?? (payload?.booking as { id?: unknown } | undefined)?.id;
}

function required(answer: Answer, what: string): Record<string, unknown> {
  const payload = payloadOf(answer);
  if (!payload) throw new Error(`${what} answered ${JSON.stringify(answer.errors)} (attempts ${JSON.stringify(answer.attempts)})`);
  return payload;
}
