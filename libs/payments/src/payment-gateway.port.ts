/**
 * The PaymentGateway port: the one place the ledger moves money at a card processor. It decides
 * no business rule; it performs what a command already decided and reports what happened.
 *
 * Rules every adapter keeps:
 * - Every call carries an idempotency key. The same key with the same parameters returns the
 *   first result and never charges twice; with different parameters it throws
 *   `IdempotencyConflictError`.
 * - Declines are outcomes (`status: 'failed'`), never exceptions. Only infrastructure problems
 *   throw: `GatewayUnavailableError` (retry with the same key) or `GatewayRequestError` (the
 *   processor refused the request as invalid; nothing happened).
 * - `account.accountId` names the tenant's connected processor account; every call is then made
 *   on its behalf.
 *
 * It is an abstract class, not an interface, so that it can serve as a Nest injection token.
 */
import type {
  CancelOutcome,
  CancelPaymentInput,
  CaptureOutcome,
  CapturePaymentInput,
  ConnectOnboarding,
  ConnectOnboardingInput,
  CreatePaymentInput,
  EnsureCustomerInput,
  LookupPaymentInput,
  PaymentOutcome,
  RefundInput,
  RefundResult,
  RemoveCardInput,
  SaveCardInput,
  SaveCardOutcome,
} from './payment-gateway.types.js';

export abstract class PaymentGateway {
  /** Creates the processor customer that saved cards belong to, one per ledger customer. */
  abstract ensureCustomer(input: EnsureCustomerInput): Promise<{ processorCustomerId: string }>;

  /** Verifies a card and attaches it to the customer for later off-session charges. */
  abstract saveCard(input: SaveCardInput): Promise<SaveCardOutcome>;

  /** Detaches a saved card so it can never be charged again. */
  abstract removeCard(input: RemoveCardInput): Promise<{ processorPaymentMethodId: string }>;

  /** Charges at once (`capture: 'automatic'`) or places a hold (`capture: 'manual'`). */
  abstract createPayment(input: CreatePaymentInput): Promise<PaymentOutcome>;

  /**
   * What became of a `createPayment` whose answer was lost (the caller died before recording it):
   * its current outcome, or `undefined` when the processor never received it. The original call
   * cannot simply be repeated, because a one-time card's token is deliberately not kept. It
   * creates nothing, so a later `createPayment` with the same key behaves as if it were the first.
   * It finds only payments created with `metadata.paymentId` equal to `input.paymentId`.
   *
   * `undefined` must be a proof, read from a strongly consistent source covering everything
   * created since `input.createdSince`: a caller releases reservations on it, so "not found yet"
   * (a lagging search index) must never read as "never received". When nothing can be proven it
   * throws `GatewayUnavailableError`, and the payment stays open.
   */
  abstract lookupPayment(input: LookupPaymentInput): Promise<PaymentOutcome | undefined>;

  /**
   * Takes all or part of a hold; the rest of the hold is released. A hold already captured or let
   * go (an earlier call's answer was lost) is reported as it is: `succeeded` or `canceled`.
   */
  abstract capturePayment(input: CapturePaymentInput): Promise<CaptureOutcome>;

  /**
   * Releases a hold without taking any money. A hold already let go answers `canceled`; one
   * already captured answers `succeeded` with what was taken, because that money moved.
   */
  abstract cancelPayment(input: CancelPaymentInput): Promise<CancelOutcome>;

  /**
   * Returns captured money; repeatable up to what was captured and not yet refunded. With
   * `metadata.refundId`, a refund whose answer was lost (a 5xx) is found again and reported.
   */
  abstract refund(input: RefundInput): Promise<RefundResult>;

  /** Starts (or resumes) onboarding of the tenant's own processor account. */
  abstract startConnectOnboarding(input: ConnectOnboardingInput): Promise<ConnectOnboarding>;
}
