import type { Event } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { CardDisplay, CardPaymentMethod, OfflinePaymentMethod } from '../shared/payment-method.js';

export const captureModes = ['AUTOMATIC', 'MANUAL'] as const;
/** AUTOMATIC charges at once; MANUAL places a hold (pre-authorisation) to capture later. */
export type CaptureMode = (typeof captureModes)[number];

/** The share of a payment that belongs to one booking; shares of one payment sum to its amount. */
export type Allocation = Readonly<{ bookingId: string; amount: Money }>;

/**
 * The recorded intent, appended before the processor is called. The processor call uses
 * `idempotencyKey`, so a crash between the call and its outcome converges on one charge.
 */
export type PaymentInitiated = Event<
  'PaymentInitiated',
  {
    paymentId: string;
    customerId: string;
    allocations: readonly Allocation[];
    amount: Money;
    method: CardPaymentMethod;
    capture: CaptureMode;
    cardId?: string;
    /** False for a one-time card: no `CardSaved` may ever follow from this payment. */
    saveCard: boolean;
    idempotencyKey: string;
    /**
     * The processor account the payment is made on (the tenant's connected account at the time).
     * Every later call about it (lookup, capture, release, refund) goes to this account, even if
     * the tenant connects another one meanwhile. Added later: events without it fall back to the
     * tenant's current account.
     */
    processorAccountId?: string;
  }
>;

export type PaymentAuthorized = Event<
  'PaymentAuthorized',
  { paymentId: string; processorPaymentId: string; amount: Money; captureBefore: string }
>;

/** Money captured: the whole charge, or all or part of a hold. Card data is display-only. */
export type Charged = Event<
  'Charged',
  { paymentId: string; processorPaymentId: string; amount: Money; card?: CardDisplay }
>;

export type ChargeFailed = Event<
  'ChargeFailed',
  { paymentId: string; failureCode: string; declineCode?: string; message: string }
>;

export type AuthorizationReleased = Event<'AuthorizationReleased', { paymentId: string }>;

export type AuthorizationExpired = Event<'AuthorizationExpired', { paymentId: string }>;

/** Money collected outside the processor and recorded by hand ("Mark as Collected"). */
export type CashCollected = Event<
  'CashCollected',
  {
    paymentId: string;
    customerId: string;
    allocations: readonly Allocation[];
    amount: Money;
    method: OfflinePaymentMethod;
    reference?: string;
    note?: string;
  }
>;

export type RefundRequested = Event<
  'RefundRequested',
  { paymentId: string; refundId: string; amount: Money; reason?: string }
>;

export type Refunded = Event<
  'Refunded',
  { paymentId: string; refundId: string; processorRefundId?: string; amount: Money }
>;

export type RefundFailed = Event<'RefundFailed', { paymentId: string; refundId: string; failureCode: string }>;

export const disputeOutcomes = ['WON', 'LOST'] as const;
/** How a dispute ended: the money stayed with the business (WON) or went back to the cardholder (LOST). */
export type DisputeOutcome = (typeof disputeOutcomes)[number];

/**
 * The cardholder's bank disputed a card payment. The disputed amount is out of the business's
 * reach until the dispute closes, so it no longer counts as refundable.
 */
export type DisputeOpened = Event<
  'DisputeOpened',
  { paymentId: string; disputeId: string; amount: Money; reason: string; evidenceDueBy?: string }
>;

/** A dispute's final outcome; a lost dispute keeps its amount out of what is refundable for good. */
export type DisputeClosed = Event<
  'DisputeClosed',
  { paymentId: string; disputeId: string; outcome: DisputeOutcome; amount: Money }
>;

export type PaymentEvent =
  | PaymentInitiated
  | PaymentAuthorized
  | Charged
  | ChargeFailed
  | AuthorizationReleased
  | AuthorizationExpired
  | CashCollected
  | RefundRequested
  | Refunded
  | RefundFailed
  | DisputeOpened
  | DisputeClosed;
