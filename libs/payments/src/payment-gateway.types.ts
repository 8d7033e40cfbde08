/**
 * The data the payment gateway port speaks. Amounts are `Money` (integer minor units, upper-case
 * ISO-4217) exactly as in the domain; card data is display-only, and a payment-method id appears
 * only where the card was saved on purpose, because that id is what could charge the card again.
 */
import type { CardDisplay, Money } from '@ledger/domain';

export type { CardDisplay, Money };

/** Whose processor account moves the money: a tenant's connected account, or the platform's own. */
export interface ProcessorAccount {
  readonly accountId?: string;
}

/** Every call names an idempotency key, derived by the caller from its command id. */
export interface GatewayCall {
  readonly account: ProcessorAccount;
  readonly idempotencyKey: string;
}

/**
 * A card saved at the processor for later off-session charges. Charging it later takes both ids,
 * so the customer it was attached to travels with it.
 */
export interface CardDetails extends CardDisplay {
  readonly processorPaymentMethodId: string;
  readonly processorCustomerId: string;
}

/** A decline or refusal reported by the processor: an outcome to record, not an exception. */
export interface FailedOutcome {
  readonly status: 'failed';
  readonly processorPaymentId?: string;
  readonly failureCode: string;
  readonly declineCode?: string;
  readonly message: string;
}

export interface EnsureCustomerInput extends GatewayCall {
  /** The ledger's customer id, kept with the processor customer for reconciliation. */
  readonly customerId: string;
  readonly email?: string;
  readonly name?: string;
}

export interface SaveCardInput extends GatewayCall {
  readonly processorCustomerId: string;
  readonly paymentMethodToken: string;
}

export type SaveCardOutcome = { readonly status: 'saved'; readonly card: CardDetails } | FailedOutcome;

export interface RemoveCardInput extends GatewayCall {
  readonly processorPaymentMethodId: string;
}

/** A card saved earlier, charged without the customer present. */
export interface SavedCardSource {
  readonly kind: 'saved';
  readonly processorCustomerId: string;
  readonly processorPaymentMethodId: string;
}

/**
 * A card the customer just entered. Without `saveFor` it is a one-time card: it is never attached
 * to a customer and no id that could charge it again comes back.
 */
export interface CardTokenSource {
  readonly kind: 'token';
  readonly paymentMethodToken: string;
  /** The processor customer to save the card for, when the customer agreed to keep it on file. */
  readonly saveFor?: string;
}

export type PaymentSource = SavedCardSource | CardTokenSource;

export type CaptureMethod = 'automatic' | 'manual';

export interface CreatePaymentInput extends GatewayCall {
  readonly amount: Money;
  /** `automatic` takes the money now; `manual` places a hold to capture later. */
  readonly capture: CaptureMethod;
  readonly source: PaymentSource;
  readonly description?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface PaymentSucceeded {
  readonly status: 'succeeded';
  readonly processorPaymentId: string;
  readonly amountCaptured: Money;
  readonly card: CardDisplay;
  readonly savedCard?: CardDetails;
}

export interface PaymentRequiresCapture {
  readonly status: 'requires_capture';
  readonly processorPaymentId: string;
  readonly amountAuthorized: Money;
  /** ISO-8601 instant after which the hold can no longer be captured. */
  readonly captureBefore: string;
  readonly card: CardDisplay;
  readonly savedCard?: CardDetails;
}

export type PaymentOutcome = PaymentSucceeded | PaymentRequiresCapture | FailedOutcome;

/**
 * Names a payment asked for earlier: the idempotency key its `createPayment` was sent with, and
 * the `metadata.paymentId` (and `metadata.tenant`) it carried. Both, because a processor may be
 * able to find it by only one. `createdSince` bounds where it can be: nothing is created before
 * the ledger recorded the intent to ask for it, so a consistent read of everything created since
 * then (less a margin for clock skew) that does not show it proves it was never received.
 */
export interface LookupPaymentInput extends GatewayCall {
  readonly paymentId: string;
  /**
   * ISO-8601 instant at which the payment's intent was recorded, before any request was sent.
   * Without it a processor that lists by creation time must read everything, which on a busy
   * account ends unproven (`GatewayUnavailableError`) rather than in a false `undefined`.
   */
  readonly createdSince?: string;
  readonly tenant?: string;
  /** The processor customer the payment was charged to, when known (a saved card): narrows the read. */
  readonly processorCustomerId?: string;
}

export interface CapturePaymentInput extends GatewayCall {
  readonly processorPaymentId: string;
  /** Omitted: capture the whole hold. Less than the hold: capture part and release the rest. */
  readonly amountMinor?: number;
}

/** A hold's money taken: by this capture, or by an earlier one whose answer was lost. */
export interface HoldCaptured {
  readonly status: 'succeeded';
  readonly processorPaymentId: string;
  readonly amountCaptured: Money;
}

/** A hold let go: by this release, or earlier (a release whose answer was lost, or its lapse). */
export interface HoldCanceled {
  readonly status: 'canceled';
  readonly processorPaymentId: string;
}

/**
 * What became of a hold when it was captured or released. A request that meets a hold already
 * captured or let go (a retry of a call whose answer was lost, under a new key) reports the hold's
 * real state rather than a refusal, because money may have moved: a release can thus answer
 * `succeeded` and a capture `canceled`. A refusal that changed nothing is a `FailedOutcome`.
 */
export type CaptureOutcome = HoldCaptured | HoldCanceled | FailedOutcome;

export interface CancelPaymentInput extends GatewayCall {
  readonly processorPaymentId: string;
}

export type CancelOutcome = HoldCanceled | HoldCaptured | FailedOutcome;

export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';

export interface RefundInput extends GatewayCall {
  readonly processorPaymentId: string;
  readonly amountMinor: number;
  readonly reason?: RefundReason;
  /** Kept with the refund; `refundId` lets a refund whose answer was lost be found again. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface RefundResult {
  readonly processorRefundId: string;
  readonly status: 'succeeded' | 'pending' | 'failed';
  readonly amount: Money;
  readonly failureCode?: string;
}

export interface ConnectOnboardingInput {
  readonly tenantId: string;
  /** Continue onboarding an account created earlier instead of creating another. */
  readonly existingAccountId?: string;
  readonly returnUrl: string;
  readonly refreshUrl: string;
  readonly idempotencyKey: string;
}

export interface ConnectOnboarding {
  readonly accountId: string;
  readonly onboardingUrl: string;
}
