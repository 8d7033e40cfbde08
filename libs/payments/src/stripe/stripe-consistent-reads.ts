/**
 * The reads the Stripe adapter trusts to tell what became of a request whose answer was lost.
 * Only strongly consistent ones: retrieving an object by its id, and listing (PaymentIntents by
 * creation time, optionally by customer; refunds by PaymentIntent). Stripe's Search API is not
 * among them: its index lags writes (under a minute normally, up to an hour during incidents) and
 * it is unavailable to some merchants, so a search that finds nothing proves nothing.
 */
import type Stripe from 'stripe';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type { LookupPaymentInput, ProcessorAccount } from '../payment-gateway.types.js';
import { accountOptions } from './stripe-requests.js';

/**
 * Subtracted from the start of a creation window: the ledger's clock and Stripe's may disagree,
 * and an intent stamped a little before the intent was recorded must still be found.
 */
export const CLOCK_SKEW_MARGIN_S = 10 * 60;

/** Stripe's list pages hold at most a hundred objects. */
const PAGE_SIZE = 100;

export interface IntentQuery {
  readonly account: ProcessorAccount;
  readonly paymentId: string;
  readonly tenant?: string;
  readonly processorCustomerId?: string;
  /** Unix seconds: nothing for this payment can have been created earlier. Absent: read everything. */
  readonly createdSinceS?: number;
}

/** The port's lookup as a query of the list: the creation window in Unix seconds, the hints kept. */
export function intentQueryOf(input: LookupPaymentInput): IntentQuery {
  const { account, paymentId, tenant, processorCustomerId, createdSince } = input;
  return {
    account,
    paymentId,
    ...(tenant ? { tenant } : {}),
    ...(processorCustomerId ? { processorCustomerId } : {}),
    ...(createdSince === undefined ? {} : { createdSinceS: Math.floor(Date.parse(createdSince) / 1000) }),
  };
}

export class StripeConsistentReads {
  constructor(
    private readonly stripe: Stripe,
    /** Past this many pages the read gives up and says so, rather than pretend to a proof. */
    private readonly maxPages: number,
  ) {}

  /**
   * The PaymentIntent created for a ledger payment (its `paymentId` and `tenant` metadata), read
   * from the list of every intent created since the payment's intent was recorded. `undefined`
   * is a proof of absence: the whole window was read. Several matches (only possible if a key
   * was reused after Stripe forgot it) resolve to one that moved money, then the newest.
   */
  async findIntent(query: IntentQuery): Promise<Stripe.PaymentIntent | undefined> {
    const params: Stripe.PaymentIntentListParams = {
      ...(query.createdSinceS === undefined ? {} : { created: { gte: query.createdSinceS - CLOCK_SKEW_MARGIN_S } }),
      limit: PAGE_SIZE,
      expand: ['data.latest_charge', 'data.payment_method'],
      ...(query.processorCustomerId ? { customer: query.processorCustomerId } : {}),
    };
    const found: Stripe.PaymentIntent[] = [];
    let startingAfter: string | undefined;
    for (let page = 1; ; page++) {
      const list = await this.stripe.paymentIntents.list(
        { ...params, ...(startingAfter ? { starting_after: startingAfter } : {}) },
        accountOptions(query.account),
      );
      found.push(...list.data.filter((intent) => isFor(intent, query)));
      startingAfter = list.data.at(-1)?.id;
      if (!list.has_more || startingAfter === undefined) return preferred(found);
      if (page >= this.maxPages) throw tooMany(query, this.maxPages);
    }
  }

  /** The intent as Stripe holds it now, with its charge (for the card and the capture deadline). */
  retrieveIntent(account: ProcessorAccount, processorPaymentId: string): Promise<Stripe.PaymentIntent> {
    return this.stripe.paymentIntents.retrieve(processorPaymentId, { expand: ['latest_charge', 'payment_method'] }, accountOptions(account));
  }

  /** The refund of this PaymentIntent that carries the ledger's `refundId`, if Stripe made it. */
  async findRefund(account: ProcessorAccount, processorPaymentId: string, refundId: string): Promise<Stripe.Refund | undefined> {
    let startingAfter: string | undefined;
    for (let page = 1; page <= this.maxPages; page++) {
      const list = await this.stripe.refunds.list(
        { payment_intent: processorPaymentId, limit: PAGE_SIZE, ...(startingAfter ? { starting_after: startingAfter } : {}) },
        accountOptions(account),
      );
      const match = list.data.find((refund) => refund.metadata?.refundId === refundId);
      startingAfter = list.data.at(-1)?.id;
      if (match || !list.has_more || startingAfter === undefined) return match;
    }
    throw new GatewayUnavailableError(`Could not read every refund of ${processorPaymentId} to find refund ${refundId}`);
  }
}

function isFor(intent: Stripe.PaymentIntent, query: IntentQuery): boolean {
  const metadata = intent.metadata ?? {};
  return metadata.paymentId === query.paymentId && (query.tenant === undefined || metadata.tenant === query.tenant);
}

/** Money that moved outranks a failure; among equals the newest wins. */
const RANK: Partial<Record<Stripe.PaymentIntent.Status, number>> = { succeeded: 3, requires_capture: 2, processing: 1 };

function preferred(intents: readonly Stripe.PaymentIntent[]): Stripe.PaymentIntent | undefined {
  const rank = (intent: Stripe.PaymentIntent): number => RANK[intent.status] ?? 0;
  return intents.reduce<Stripe.PaymentIntent | undefined>((best, intent) => {
    if (best === undefined) return intent;
    const byRank = rank(intent) - rank(best);
    return byRank > 0 || (byRank === 0 && intent.created > best.created) ? intent : best;
  }, undefined);
}

function tooMany(query: IntentQuery, maxPages: number): GatewayUnavailableError {
  const since = query.createdSinceS === undefined ? 'ever' : new Date(query.createdSinceS * 1000).toISOString();
  return new GatewayUnavailableError(
    `More than ${maxPages * PAGE_SIZE} PaymentIntents were created since ${since}; payment ${query.paymentId} ` +
      'was not among those read, so whether Stripe received it is not proven',
  );
}
