/**
 * What becomes of a hold (a pre-authorisation) after the processor placed it: captured in full
 * or in part, released, or expired. Each ends the same way: the outcome on the payment stream
 * first, then every booking's held share applied (its part of the captured money, the rest let
 * go) or released. Every step is an idempotent decision and every processor call carries a key
 * derived from the command and goes to the account the payment was made on, so a repeated or
 * resumed command converges on one outcome. A call that finds the hold already captured or let go
 * (an earlier call's answer was lost) records what really happened, never a refusal; so does a
 * hold whose deadline passed, which is read back at the processor before it is booked as expired.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, money, paymentDecider, streamName } from '@ledger/domain';
import type { CommandContext, Money, Payment, PaymentCommand, PaymentStatus } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { GatewayRequestError, PaymentGateway } from '@ledger/payments';
import type { FailedOutcome, HoldCanceled, HoldCaptured } from '@ledger/payments';
import { ApplicationError } from '../application-error.js';
import { DecisionRunner } from '../decision-runner.js';
import { LedgerReader, paymentAccountOf } from '../payments/ledger-reader.js';
import { holdFateOf, intentRecordedAt, paymentLookup } from '../payments/payment-lookup.js';
import { stepContext } from '../payments/step-context.js';
import { PaymentSettlement } from '../payments/payment-settlement.js';
import { StepProbe } from '../payments/step-probe.js';

export interface HoldResult {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly authorized: Money;
  readonly captured: Money;
}

/** The processor key of a capture: one per capturing command, so a retry is the same capture. */
export function captureKey(rootCommandId: string): string {
  return `${rootCommandId}:capture`;
}

/** A hold is let go at most once, whoever asks, so its release key is the payment's own. */
export function releaseKey(paymentId: string): string {
  return `${paymentId}:release`;
}

@Injectable()
export class Holds {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly reader: LedgerReader,
    private readonly gateway: PaymentGateway,
    private readonly store: EventStore,
    private readonly probe: StepProbe,
    private readonly settlement: PaymentSettlement,
  ) {}

  /**
   * Takes all of a live hold, or part of it (the processor lets the rest go). A capture this
   * command already recorded is resumed; any other state is INVALID_STATE, and an amount above
   * the hold is refused before the processor is asked.
   */
  async capture(root: CommandContext, paymentId: string, amountMinor?: number): Promise<HoldResult> {
    const payment = await this.reader.payment(root.tenant, paymentId);
    if (payment.status === 'CAPTURED' && (await this.recordedBy(root, paymentId, 'Charged'))) return this.settle(root, payment);
    const processorPaymentId = requireLiveHold(payment, 'capture');
    const amount = captureAmount(payment, amountMinor);
    const account = paymentAccountOf(payment, await this.reader.tenant(root.tenant));
    const outcome = await this.gateway
      .capturePayment({ account, idempotencyKey: captureKey(root.commandId), processorPaymentId, amountMinor: amount.amountMinor })
      .catch(refusedRequest);
    if (outcome.status === 'failed') return this.refused(root, payment, outcome);
    if (outcome.status === 'canceled') return this.letGo(root, payment, outcome, 'capture');
    return this.recordFate(root, payment, outcome);
  }

  /** What `capture` would refuse before the processor is asked: a hold that is not live, an amount above it. */
  async checkCapture(tenant: string, paymentId: string, amountMinor?: number): Promise<void> {
    const payment = await this.reader.payment(tenant, paymentId);
    requireLiveHold(payment, 'capture');
    captureAmount(payment, amountMinor);
  }

  /** What `release` would refuse: an unknown payment, or one that was never a hold. */
  async checkRelease(tenant: string, paymentId: string): Promise<void> {
    const payment = await this.reader.payment(tenant, paymentId);
    if (payment.status !== 'RELEASED' && payment.status !== 'EXPIRED') requireLiveHold(payment, 'release');
  }

  /** Lets a live hold go; releasing a hold that is already gone changes nothing. */
  async release(root: CommandContext, paymentId: string): Promise<HoldResult> {
    const payment = await this.reader.payment(root.tenant, paymentId);
    if (payment.status === 'RELEASED' || payment.status === 'EXPIRED') return this.settle(root, payment);
    const processorPaymentId = requireLiveHold(payment, 'release');
    const account = paymentAccountOf(payment, await this.reader.tenant(root.tenant));
    const outcome = await this.gateway.cancelPayment({ account, idempotencyKey: releaseKey(paymentId), processorPaymentId }).catch(refusedRequest);
    if (outcome.status === 'failed') return this.refused(root, payment, outcome);
    if (outcome.status === 'succeeded') return this.alreadyCaptured(root, payment, outcome);
    const context = stepContext(root, 'outcome');
    return this.settle(root, await this.decide({ type: 'RecordAuthorizationRelease', data: { paymentId }, context }));
  }

  /**
   * A hold whose deadline passed, read back at the processor before anything is recorded, because
   * a capture whose answer was lost may have taken the money: captured there, it is recorded as
   * that capture (never as expired); let go, as expired; still live, nothing is recorded and it
   * stays AUTHORIZED. When the processor cannot tell, the lookup's error is thrown and nothing is
   * recorded: a hold is never booked as expired blind.
   */
  async lapse(root: CommandContext, paymentId: string): Promise<HoldResult> {
    const payment = await this.reader.payment(root.tenant, paymentId);
    if (payment.status !== 'AUTHORIZED') return this.settle(root, payment);
    const [initiated] = await this.store.readStream(streamName.payment(paymentId), { maxCount: 1 });
    const lookup = await paymentLookup(this.reader, root.tenant, payment, intentRecordedAt(initiated!));
    const fate = holdFateOf(payment, await this.gateway.lookupPayment(lookup));
    return fate === 'live' ? resultOf(payment) : this.recordFate(root, payment, fate);
  }

  /** Records that a hold lapsed (only once its `captureBefore` has passed) and frees its shares. */
  async expire(root: CommandContext, paymentId: string): Promise<HoldResult> {
    const context = stepContext(root, 'expire');
    return this.settle(root, await this.decide({ type: 'ExpireAuthorization', data: { paymentId }, context }));
  }

  /**
   * Brings every booking in line with the payment's recorded state: a captured hold's money is
   * applied share by share, and a share that is not paid (released, expired, or beyond a partial
   * capture) is released. Each decision is a no-op when already made.
   */
  async settle(root: CommandContext, payment: Payment): Promise<HoldResult> {
    await this.settlement.applyToBookings(root, payment);
    return resultOf(payment);
  }

  /**
   * Records a hold's fate as the processor reports it, answered to a capture or a release or read
   * back: money taken as the capture (also past the deadline, never as expired), a hold let go as
   * expired once past its deadline, else as released; then applies it to the bookings. The one
   * path for all of them, so an answer and a read-back are never recorded differently.
   */
  private async recordFate(root: CommandContext, payment: Payment, fate: HoldCaptured | HoldCanceled): Promise<HoldResult> {
    if (fate.status === 'succeeded') return this.settle(root, await this.recordCapture(root, payment, fate));
    const { paymentId } = payment;
    if (lapsedAt(payment, root)) return this.expire(root, paymentId);
    return this.settle(root, await this.decide({ type: 'RecordAuthorizationRelease', data: { paymentId }, context: stepContext(root, 'outcome') }));
  }

  private async recordCapture(root: CommandContext, payment: Payment, captured: HoldCaptured): Promise<Payment> {
    const data = { paymentId: payment.paymentId, processorPaymentId: captured.processorPaymentId, amount: captured.amountCaptured };
    const charged = await this.decide({ type: 'RecordCharge', data, context: stepContext(root, 'outcome') });
    await this.probe.reached('payment.outcome-recorded');
    return charged;
  }

  /**
   * A release that met the hold already captured (a capture whose answer was lost): the money
   * moved, so the capture is recorded and applied, and the caller told the hold could not be let go.
   */
  private async alreadyCaptured(root: CommandContext, payment: Payment, captured: HoldCaptured): Promise<never> {
    const { status } = await this.recordFate(root, payment, captured);
    const message = 'The hold was already captured at the processor; the capture is now recorded';
    throw new ApplicationError('PROCESSOR_REJECTED', message, { paymentId: payment.paymentId, status, failureCode: 'payment_intent_unexpected_state' });
  }

  /**
   * A capture that met the hold already let go (a release whose answer was lost, or the processor
   * cancelling it when it lapsed): recorded as expired once past its deadline, else as released,
   * and the caller told nothing was captured.
   */
  private async letGo(root: CommandContext, payment: Payment, canceled: HoldCanceled, action: string): Promise<never> {
    const { status } = await this.recordFate(root, payment, canceled);
    const message = `Cannot ${action} the hold: the processor had already let it go`;
    throw new ApplicationError('PROCESSOR_REJECTED', message, { paymentId: payment.paymentId, status, failureCode: 'payment_intent_unexpected_state' });
  }

  /**
   * A refused capture or release. A hold whose time is up is recorded as expired (the only
   * failure the payment stream accepts after an authorisation); any other refusal changes
   * nothing here. Either way the caller is answered with the processor's code.
   */
  private async refused(root: CommandContext, payment: Payment, failure: FailedOutcome): Promise<never> {
    const status = lapsedAt(payment, root) ? (await this.expire(root, payment.paymentId)).status : payment.status;
    throw new ApplicationError('PROCESSOR_REJECTED', failure.message, { paymentId: payment.paymentId, status, failureCode: failure.failureCode });
  }

  private async decide(command: PaymentCommand): Promise<Payment> {
    const { state } = await this.runner.decide(streamName.payment(command.data.paymentId), paymentDecider, command);
    if (state.status === 'NONE') throw new Error('unreachable: a decided payment has state');
    return state;
  }

  /** Whether this root command recorded the payment's event of this type: then a repeat resumes it. */
  private async recordedBy(root: CommandContext, paymentId: string, type: string): Promise<boolean> {
    const events = await this.store.readStream(streamName.payment(paymentId));
    return events.some((event) => event.type === type && event.metadata.causationId === root.commandId);
  }
}

function resultOf(payment: Payment): HoldResult {
  return { paymentId: payment.paymentId, status: payment.status, authorized: payment.authorized, captured: payment.captured };
}

/** Whether the hold's deadline has passed at the command's time. */
function lapsedAt(payment: Payment, root: CommandContext): boolean {
  return payment.captureBefore !== null && Date.parse(root.now) >= Date.parse(payment.captureBefore);
}

function requireLiveHold(payment: Payment, action: string): string {
  if (payment.status !== 'AUTHORIZED' || payment.processorPaymentId === null) {
    throw new DomainError('INVALID_STATE', `Cannot ${action} a payment that is ${payment.status}; only a live hold can be`, {
      paymentId: payment.paymentId,
      status: payment.status,
    });
  }
  return payment.processorPaymentId;
}

function captureAmount(payment: Payment, amountMinor: number | undefined): Money {
  const wanted = amountMinor ?? payment.authorized.amountMinor;
  if (!Number.isSafeInteger(wanted) || wanted <= 0) {
    throw new DomainError('INVALID_AMOUNT', 'amountMinor must be a positive integer number of minor units', { amountMinor: wanted });
  }
  if (wanted > payment.authorized.amountMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_AUTHORIZED', 'The amount is more than the hold', {
      paymentId: payment.paymentId,
      amountMinor: wanted,
      authorizedMinor: payment.authorized.amountMinor,
    });
  }
  return money(wanted, payment.authorized.currency);
}

/**
 * The processor refusing the request itself (nothing happened there) is a failed outcome like any
 * other. An outage is rethrown as it is: not an answer, so the idempotency claim stays open and
 * the same key resumes with the same processor key once the processor is back.
 */
function refusedRequest(error: unknown): FailedOutcome {
  if (error instanceof GatewayRequestError) return { status: 'failed', failureCode: error.code, message: error.message };
  throw error;
}
