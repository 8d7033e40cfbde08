/**
 * Translation of Stripe events into what the ledger should do about them, as plain data. Pure:
 * no store, no clock, no network, so every event shape is unit-tested on its own. Which payment
 * or tenant an action concerns is resolved later, against the log (see stripe-webhook-processor).
 *
 * Only fields Stripe documents are read, each with its documented type (see stripe-fields; the
 * payment objects are read in stripe-payment-translation); optional and unexpanded ones are
 * tolerated, as event objects are rendered in the account's API version and never expand nested
 * objects. An authentic event whose fields are unusable becomes `ignored` with the field named,
 * never an error: it is acknowledged and recorded under its id like any other, since Stripe
 * delivering the same bytes again could never make it usable.
 */
import type { DisputeOutcome, Money } from '@ledger/domain';
import { STRIPE_API_VERSION } from '@ledger/payments';
import { isJsonObject, isStripeWord, MalformedStripeEvent, StripeFields } from './stripe-fields.js';
import { chargeRefunded, disputeClosed, disputeOpened, paymentIntentAction, refundAction } from './stripe-payment-translation.js';

export { moneyOf } from './stripe-payment-translation.js';

/** Names a processor payment; the ledger's own ids when the object carries our metadata. */
export interface ProcessorPaymentRef {
  readonly processorPaymentId: string;
  readonly paymentId?: string;
  readonly tenant?: string;
}

export interface ProcessorRefund {
  readonly processorRefundId: string;
  readonly amount: Money;
}

export interface ProcessorDispute {
  readonly disputeId: string;
  readonly amount: Money;
  readonly reason: string;
  readonly evidenceDueBy?: string;
}

export type WebhookAction =
  | { readonly kind: 'charge-succeeded'; readonly payment: ProcessorPaymentRef; readonly amount: Money }
  | { readonly kind: 'authorized'; readonly payment: ProcessorPaymentRef; readonly amount: Money; readonly captureBefore: string }
  | {
      readonly kind: 'charge-failed';
      readonly payment: ProcessorPaymentRef;
      readonly failureCode: string;
      readonly declineCode?: string;
      readonly message: string;
    }
  | { readonly kind: 'canceled'; readonly payment: ProcessorPaymentRef; readonly reason: string }
  | { readonly kind: 'refunded'; readonly payment: ProcessorPaymentRef; readonly refunds: readonly ProcessorRefund[] }
  | { readonly kind: 'dispute-opened'; readonly payment: ProcessorPaymentRef; readonly dispute: ProcessorDispute }
  | {
      readonly kind: 'dispute-closed';
      readonly payment: ProcessorPaymentRef;
      readonly dispute: ProcessorDispute;
      readonly outcome: DisputeOutcome;
    }
  | { readonly kind: 'account-updated'; readonly accountId: string; readonly chargesEnabled: boolean; readonly detailsSubmitted: boolean }
  | { readonly kind: 'card-setup-confirmed'; readonly setupIntentId: string }
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Rendered in another API version than the one the ledger reads: not read, and not recorded. */
  | { readonly kind: 'other-api-version'; readonly reason: string };

/** A verified event reduced to what the ledger needs: who sent it, and what to do. */
export interface WebhookEnvelope {
  readonly eventId: string;
  readonly type: string;
  /** The connected account the event happened on; absent for the platform's own account. */
  readonly account?: string;
  readonly action: WebhookAction;
}

/**
 * The least a verified body must be for anything to be recorded about it: an object with an id
 * (the idempotency key) and a type. Everything else is read, and checked, by the translation.
 * Stripe's own `Stripe.Event` is one.
 */
export interface StripeEventBody {
  readonly id: string;
  readonly type: string;
  readonly account?: unknown;
  /** The API version `data` is rendered in: the webhook endpoint's, else the account's default. */
  readonly api_version?: unknown;
  readonly data?: unknown;
}

/** Why a verified body is not a Stripe event at all (so nothing can be recorded), else undefined. */
export function stripeEventProblem(body: unknown): string | undefined {
  if (!isJsonObject(body)) return 'it is not a JSON object';
  if (!isStripeWord(body.id)) return 'its id is missing or not a string of 1 to 255 characters without spaces';
  if (!isStripeWord(body.type)) return 'its type is missing or not a string of 1 to 255 characters without spaces';
  return undefined;
}

const ignored = (reason: string): WebhookAction => ({ kind: 'ignored', reason });

export function translateStripeEvent(event: StripeEventBody): WebhookEnvelope {
  const envelope = { eventId: event.id, type: event.type };
  if (event.api_version !== STRIPE_API_VERSION) return { ...envelope, action: otherVersion(event.api_version) };
  try {
    const account = accountOf(event.account);
    return { ...envelope, ...(account === undefined ? {} : { account }), action: actionOf(event) };
  } catch (error) {
    // Only a malformed body is an answer. Any other error is a bug here: it fails the delivery,
    // so Stripe retries the event once the bug is fixed instead of the ledger dropping it.
    if (!(error instanceof MalformedStripeEvent)) throw error;
    return { ...envelope, action: ignored(`malformed event: ${error.message}`) };
  }
}

/**
 * Objects change shape between API versions (fields renamed, moved, or only present when
 * expanded), so an event is read only in the version the ledger is pinned to; no other version
 * is proven compatible, so none is translated. Such an event is acknowledged but not recorded: once
 * the webhook endpoint's version is set to the pinned one, Stripe can deliver it again.
 */
function otherVersion(apiVersion: unknown): WebhookAction {
  const given = isStripeWord(apiVersion) ? apiVersion : 'none';
  const reason = `rendered in Stripe API version ${given}; the ledger reads only ${STRIPE_API_VERSION} (set the webhook endpoint's version)`;
  return { kind: 'other-api-version', reason };
}

/** Absent (or null) for the platform's own account; anything else must name a connected account. */
function accountOf(account: unknown): string | undefined {
  if (account === undefined || account === null) return undefined;
  if (!isStripeWord(account)) throw new MalformedStripeEvent('account', account, 'a Stripe id');
  return account;
}

function actionOf(event: StripeEventBody): WebhookAction {
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled':
    case 'payment_intent.amount_capturable_updated':
      return paymentIntentAction(event.type, objectOf(event));
    case 'setup_intent.succeeded':
      return { kind: 'card-setup-confirmed', setupIntentId: objectOf(event).id() };
    case 'charge.refunded':
      return chargeRefunded(objectOf(event));
    case 'refund.created':
    case 'refund.updated':
    case 'charge.refund.updated':
      return refundAction(objectOf(event));
    case 'charge.dispute.created':
      return disputeOpened(objectOf(event));
    case 'charge.dispute.closed':
      return disputeClosed(objectOf(event));
    case 'account.updated':
      return accountUpdated(objectOf(event));
    default:
      return ignored(`the ledger does not act on ${event.type}`);
  }
}

/** The object the event is about; read only for the types the ledger acts on. */
function objectOf(event: StripeEventBody): StripeFields {
  return StripeFields.of(event.data, 'data').object('object');
}

function accountUpdated(account: StripeFields): WebhookAction {
  return {
    kind: 'account-updated',
    accountId: account.id(),
    chargesEnabled: account.boolean('charges_enabled'),
    detailsSubmitted: account.boolean('details_submitted'),
  };
}
