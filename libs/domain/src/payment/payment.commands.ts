import type { Command } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { CardDisplay, CardPaymentMethod, OfflinePaymentMethod } from '../shared/payment-method.js';
import type { Allocation, CaptureMode, DisputeOutcome } from './payment.events.js';

/**
 * Records the intent of a card payment. `NEW_CARD` saves the card and `ONE_TIME_CARD` never
 * does; only a payment link leaves the choice to the customer. `chargesEnabled` comes from the
 * tenant's processor account, read by the handler, because the rule needs it here.
 */
export type InitiatePayment = Command<
  'InitiatePayment',
  {
    paymentId: string;
    customerId: string;
    allocations: readonly Allocation[];
    amount: Money;
    method: CardPaymentMethod;
    capture: CaptureMode;
    cardId?: string;
    saveCard: boolean;
    idempotencyKey: string;
    chargesEnabled: boolean;
    /** The processor account the payment will be made on; see PaymentInitiated. */
    processorAccountId?: string;
  }
>;

/*
 * The outcome commands below come from our own handler after the processor answers and again
 * from the processor's webhook, in either order; the second one is a no-op.
 */

export type RecordAuthorization = Command<
  'RecordAuthorization',
  { paymentId: string; processorPaymentId: string; amount: Money; captureBefore: string }
>;

export type RecordCharge = Command<
  'RecordCharge',
  { paymentId: string; processorPaymentId: string; amount: Money; card?: CardDisplay }
>;

export type RecordChargeFailure = Command<
  'RecordChargeFailure',
  { paymentId: string; failureCode: string; declineCode?: string; message: string }
>;

export type RecordAuthorizationRelease = Command<'RecordAuthorizationRelease', { paymentId: string }>;

/** Sent by a timer once `captureBefore` has passed without a capture. */
export type ExpireAuthorization = Command<'ExpireAuthorization', { paymentId: string }>;

/** `enabledMethods` is the tenant's current offline-method setting, read by the handler. */
export type RecordOfflinePayment = Command<
  'RecordOfflinePayment',
  {
    paymentId: string;
    customerId: string;
    allocations: readonly Allocation[];
    amount: Money;
    method: OfflinePaymentMethod;
    reference?: string;
    note?: string;
    enabledMethods: readonly OfflinePaymentMethod[];
  }
>;

export type RequestRefund = Command<
  'RequestRefund',
  { paymentId: string; refundId: string; amount: Money; reason?: string }
>;

/** Without a prior request it records a refund made elsewhere (processor dashboard, cash handed back). */
export type RecordRefund = Command<
  'RecordRefund',
  { paymentId: string; refundId: string; processorRefundId?: string; amount: Money }
>;

export type RecordRefundFailure = Command<
  'RecordRefundFailure',
  { paymentId: string; refundId: string; failureCode: string }
>;

/** Translated from the processor's dispute webhook; the dispute id is the processor's. */
export type RecordDisputeOpened = Command<
  'RecordDisputeOpened',
  { paymentId: string; disputeId: string; amount: Money; reason: string; evidenceDueBy?: string }
>;

/**
 * Carries the dispute's reason too: the closing webhook may arrive before the opening one, and
 * then the dispute is recorded as opened and closed in one decision.
 */
export type RecordDisputeClosed = Command<
  'RecordDisputeClosed',
  { paymentId: string; disputeId: string; outcome: DisputeOutcome; amount: Money; reason: string }
>;

export type PaymentCommand =
  | InitiatePayment
  | RecordAuthorization
  | RecordCharge
  | RecordChargeFailure
  | RecordAuthorizationRelease
  | ExpireAuthorization
  | RecordOfflinePayment
  | RequestRefund
  | RecordRefund
  | RecordRefundFailure
  | RecordDisputeOpened
  | RecordDisputeClosed;
