/**
 * The sandbox's payment lifecycle, modelled on Stripe's PaymentIntents: a charge or a hold, a
 * hold that can be captured (in part) for seven days, released, and refunds bounded by what was
 * captured. Each function runs inside the caller's idempotent transaction and reads time only
 * from the `now` it is given.
 */
import { GatewayRequestError } from '../payment-gateway.errors.js';
import type {
  CancelOutcome,
  CapturePaymentInput,
  CaptureOutcome,
  CardDetails,
  CreatePaymentInput,
  FailedOutcome,
  PaymentOutcome,
  PaymentSource,
  RefundInput,
  RefundResult,
} from '../payment-gateway.types.js';
import { assertMoney, assertPositiveMinorUnits } from '../payment-gateway.validation.js';
import { sandboxCard, type SandboxCard } from './sandbox-cards.js';
import { sandboxId } from './sandbox-idempotency.js';
import type { NewPayment, PaymentRow, SandboxStore } from './sandbox-store.js';

/** Stripe keeps an online card authorisation capturable for seven days; so does the sandbox. */
export const HOLD_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

function resourceMissing(param: string, id: string): never {
  throw new GatewayRequestError('resource_missing', `No such ${param}: '${id}'`, param);
}

function refused(processorPaymentId: string, failureCode: string, message: string): FailedOutcome {
  return { status: 'failed', processorPaymentId, failureCode, message };
}

interface ResolvedSource {
  readonly card: SandboxCard;
  readonly customerId: string | null;
  readonly paymentMethodId: string | null;
  readonly token: string;
}

function resolveSource(store: SandboxStore, source: PaymentSource): ResolvedSource {
  if (source.kind === 'saved') {
    const method = store.findPaymentMethod(source.processorPaymentMethodId);
    if (!method?.attached || method.customerId !== source.processorCustomerId) {
      return resourceMissing('payment_method', source.processorPaymentMethodId);
    }
    const card = sandboxCard(method.token) ?? resourceMissing('payment_method', method.token);
    return { card, customerId: method.customerId, paymentMethodId: method.id, token: method.token };
  }
  const card = sandboxCard(source.paymentMethodToken) ?? resourceMissing('payment_method', source.paymentMethodToken);
  if (source.saveFor !== undefined && !store.customerExists(source.saveFor))
    resourceMissing('customer', source.saveFor);
  return { card, customerId: source.saveFor ?? null, paymentMethodId: null, token: source.paymentMethodToken };
}

function findPayment(store: SandboxStore, processorPaymentId: string): PaymentRow {
  return store.findPayment(processorPaymentId) ?? resourceMissing('payment_intent', processorPaymentId);
}

type PaymentState = Pick<
  NewPayment,
  'status' | 'authorizedMinor' | 'capturedMinor' | 'captureBefore' | 'paymentMethodId'
>;

function paymentRow(
  id: string,
  input: CreatePaymentInput,
  source: ResolvedSource,
  now: Date,
  state: PaymentState,
): NewPayment {
  return {
    id,
    ...state,
    currency: input.amount.currency,
    amountMinor: input.amount.amountMinor,
    refundedMinor: 0,
    card: source.card.display,
    customerId: source.customerId,
    description: input.description ?? null,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
    createdAt: now.toISOString(),
  };
}

/** Attaches a new card to the customer it is saved for; called only after its charge went through. */
function saveAlong(
  store: SandboxStore,
  input: CreatePaymentInput,
  source: ResolvedSource,
  now: Date,
): CardDetails | undefined {
  if (input.source.kind !== 'token' || source.customerId === null) return undefined;
  const processorPaymentMethodId = sandboxId('pm', input.idempotencyKey);
  const row = { id: processorPaymentMethodId, customerId: source.customerId, token: source.token };
  store.insertPaymentMethod({ ...row, card: source.card.display, attached: true }, now.toISOString());
  return { processorPaymentMethodId, processorCustomerId: source.customerId, ...source.card.display };
}

export function createSandboxPayment(store: SandboxStore, input: CreatePaymentInput, now: Date): PaymentOutcome {
  assertMoney(input.amount);
  const id = sandboxId('pi', input.idempotencyKey);
  const source = resolveSource(store, input.source);
  const decline = source.card.declineOnCharge;
  if (decline) {
    const state = { status: 'failed', authorizedMinor: 0, capturedMinor: 0, captureBefore: null } as const;
    store.insertPayment(paymentRow(id, input, source, now, { ...state, paymentMethodId: source.paymentMethodId }));
    const declineCode = decline.declineCode ? { declineCode: decline.declineCode } : {};
    return { ...refused(id, decline.failureCode, decline.message), ...declineCode };
  }
  const savedCard = saveAlong(store, input, source, now);
  const paymentMethodId = savedCard?.processorPaymentMethodId ?? source.paymentMethodId;
  const answer = { processorPaymentId: id, card: source.card.display, ...(savedCard ? { savedCard } : {}) };
  const amountMinor = input.amount.amountMinor;
  if (input.capture === 'manual') {
    const captureBefore = new Date(now.getTime() + HOLD_LIFETIME_MS).toISOString();
    const state = {
      status: 'requires_capture',
      authorizedMinor: amountMinor,
      capturedMinor: 0,
      captureBefore,
    } as const;
    store.insertPayment(paymentRow(id, input, source, now, { ...state, paymentMethodId }));
    return { status: 'requires_capture', amountAuthorized: input.amount, captureBefore, ...answer };
  }
  const state = {
    status: 'succeeded',
    authorizedMinor: amountMinor,
    capturedMinor: amountMinor,
    captureBefore: null,
  } as const;
  store.insertPayment(paymentRow(id, input, source, now, { ...state, paymentMethodId }));
  return { status: 'succeeded', amountCaptured: input.amount, ...answer };
}

/**
 * A hold already captured or let go, as the Stripe adapter reports it after reading the intent
 * back: a capture or release retried under a new key (its first answer lost) learns what happened.
 */
function settledHold(payment: PaymentRow): CaptureOutcome | undefined {
  if (payment.status === 'canceled') return { status: 'canceled', processorPaymentId: payment.id };
  if (payment.status !== 'succeeded') return undefined;
  return { status: 'succeeded', processorPaymentId: payment.id, amountCaptured: { amountMinor: payment.capturedMinor, currency: payment.currency } };
}

export function captureSandboxPayment(store: SandboxStore, input: CapturePaymentInput, now: Date): CaptureOutcome {
  const payment = findPayment(store, input.processorPaymentId);
  if (input.amountMinor !== undefined) assertPositiveMinorUnits(input.amountMinor, 'amount_to_capture');
  if (payment.status !== 'requires_capture') {
    const message = `This payment could not be captured because it has a status of ${payment.status}.`;
    return settledHold(payment) ?? refused(payment.id, 'payment_intent_unexpected_state', message);
  }
  if (payment.captureBefore === null || now.getTime() >= Date.parse(payment.captureBefore)) {
    // Stripe cancels an expired hold on its own; the sandbox does it when it notices.
    store.updatePayment(payment.id, { status: 'canceled', capturedMinor: 0, refundedMinor: 0 });
    return refused(
      payment.id,
      'charge_expired_for_capture',
      'The authorization has expired and can no longer be captured.',
    );
  }
  const amountMinor = input.amountMinor ?? payment.authorizedMinor;
  if (amountMinor > payment.authorizedMinor) {
    const message = `The amount to capture (${amountMinor}) exceeds the authorized amount (${payment.authorizedMinor}).`;
    return refused(payment.id, 'amount_too_large', message);
  }
  store.updatePayment(payment.id, { status: 'succeeded', capturedMinor: amountMinor, refundedMinor: 0 });
  return {
    status: 'succeeded',
    processorPaymentId: payment.id,
    amountCaptured: { amountMinor, currency: payment.currency },
  };
}

export function cancelSandboxPayment(store: SandboxStore, processorPaymentId: string): CancelOutcome {
  const payment = findPayment(store, processorPaymentId);
  if (payment.status !== 'requires_capture') {
    const message = `This payment could not be canceled because it has a status of ${payment.status}.`;
    return settledHold(payment) ?? refused(payment.id, 'payment_intent_unexpected_state', message);
  }
  store.updatePayment(payment.id, { status: 'canceled', capturedMinor: 0, refundedMinor: 0 });
  return { status: 'canceled', processorPaymentId: payment.id };
}

export function refundSandboxPayment(store: SandboxStore, input: RefundInput, now: Date): RefundResult {
  const payment = findPayment(store, input.processorPaymentId);
  assertPositiveMinorUnits(input.amountMinor, 'amount');
  const refundableMinor = payment.capturedMinor - payment.refundedMinor;
  if (input.amountMinor > refundableMinor) {
    // Stripe refuses an over-refund as an invalid request: no refund object exists to report.
    const message = `Refund amount (${input.amountMinor}) is greater than the unrefunded amount (${refundableMinor}).`;
    throw new GatewayRequestError('amount_too_large', message, 'amount');
  }
  const processorRefundId = sandboxId('re', input.idempotencyKey);
  const refundedMinor = payment.refundedMinor + input.amountMinor;
  store.updatePayment(payment.id, { status: payment.status, capturedMinor: payment.capturedMinor, refundedMinor });
  store.insertRefund(processorRefundId, payment.id, input.amountMinor, input.reason ?? null, now.toISOString());
  return {
    processorRefundId,
    status: 'succeeded',
    amount: { amountMinor: input.amountMinor, currency: payment.currency },
  };
}
