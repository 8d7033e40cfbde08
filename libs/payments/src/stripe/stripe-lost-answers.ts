/**
 * What the Stripe adapter does when an answer cannot tell what happened. Stripe stores a 5xx under
 * the idempotency key and replays it for 24 hours, so retrying with the key learns nothing; and a
 * capture or release retried under a new key after its answer was lost meets the hold already
 * captured or let go (`payment_intent_unexpected_state`). In both cases the outcome is read back
 * through strongly consistent reads and the real state reported, because money may have moved.
 */
import type Stripe from 'stripe';
import { GatewayUnavailableError } from '../payment-gateway.errors.js';
import type {
  CreatePaymentInput,
  GatewayCall,
  HoldCanceled,
  HoldCaptured,
  PaymentOutcome,
  ProcessorAccount,
  RefundInput,
  RefundResult,
} from '../payment-gateway.types.js';
import type { StripeConsistentReads } from './stripe-consistent-reads.js';
import { hasCode, isServerError, rethrow } from './stripe-errors.js';
import { refundResultOf, savedForOf, settledHoldOf } from './stripe-mapping.js';

/** Stripe keeps an idempotency key's first answer for at least 24 hours. */
const IDEMPOTENCY_WINDOW_S = 24 * 60 * 60;

type OutcomeOf = (account: ProcessorAccount, intent: Stripe.PaymentIntent, saveFor: string | undefined) => Promise<PaymentOutcome>;

export class StripeLostAnswers {
  constructor(
    private readonly reads: StripeConsistentReads,
    private readonly outcomeOf: OutcomeOf,
  ) {}

  /**
   * A 5xx on a create: the intent is looked for among those created in the key's 24 hours. None
   * found is still unknown to the caller (the reconciler proves the absence later, once no request
   * can still be on its way), never a failure.
   */
  async createdDespite(input: CreatePaymentInput, error: Stripe.errors.StripeError): Promise<PaymentOutcome> {
    const paymentId = input.metadata?.paymentId;
    if (paymentId === undefined) return rethrow(error, input);
    const tenant = input.metadata?.tenant;
    const createdSinceS = Math.floor(Date.now() / 1000) - IDEMPOTENCY_WINDOW_S;
    const query = { account: input.account, paymentId, createdSinceS, ...(tenant ? { tenant } : {}) };
    const intent = await this.reads.findIntent(query).catch((e: unknown) => rethrow(e, input));
    if (intent) return this.outcomeOf(input.account, intent, savedForOf(intent));
    const status = error.statusCode ?? 500;
    const message = `Stripe answered ${status} and holds no PaymentIntent for payment ${paymentId}; a retry with this key would replay that answer`;
    throw new GatewayUnavailableError(message, { cause: error });
  }

  /**
   * A capture or release that met the hold in another state, or got a 5xx: the hold read back,
   * reported when already captured or let go. Undefined when it is in neither state, and the
   * request changed nothing.
   */
  async settledHold(error: unknown, input: GatewayCall & { processorPaymentId: string }): Promise<HoldCaptured | HoldCanceled | undefined> {
    if (!hasCode(error, 'payment_intent_unexpected_state') && !isServerError(error)) return undefined;
    const intent = await this.reads.retrieveIntent(input.account, input.processorPaymentId).catch((e: unknown) => rethrow(e, input));
    const settled = settledHoldOf(intent);
    // Still live after a 5xx: nothing happened, but this key would only replay the 5xx.
    if (!settled && isServerError(error)) return rethrow(error, input);
    return settled;
  }

  /** After a 5xx or "already refunded", the refund carrying this `refundId` tells what happened. */
  async refundedDespite(input: RefundInput, error: unknown): Promise<RefundResult> {
    const refundId = input.metadata?.refundId;
    const unknown = isServerError(error) || hasCode(error, 'charge_already_refunded');
    if (refundId === undefined || !unknown) return rethrow(error, input);
    const found = await this.reads.findRefund(input.account, input.processorPaymentId, refundId).catch((e: unknown) => rethrow(e, input));
    return found ? refundResultOf(found) : rethrow(error, input);
  }
}
