/**
 * The recorded steps of a payment, each an idempotent decision on one stream: the intent, the
 * reservations on the bookings it pays (undone if any booking refuses), and the processor's
 * outcome, applied to the payment and then to every booking. Resuming re-runs them; a step that
 * already happened decides nothing.
 */
import { Injectable } from '@nestjs/common';
import { bookingDecider, customerDecider, isDomainError, paymentDecider, streamName } from '@ledger/domain';
import type { Allocation, CommandContext, InitiatePayment, Money, Payment } from '@ledger/domain';
import type { PaymentOutcome } from '@ledger/payments';
import { ApplicationError } from '../application-error.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import type { CardPaymentResult } from './card-payments.js';
import { capturedShares } from '../commands/hold-shares.js';
import { stepContext } from './step-context.js';
import { StepProbe } from './step-probe.js';

@Injectable()
export class PaymentSettlement {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly probe: StepProbe,
  ) {}

  async initiate(root: CommandContext, data: InitiatePayment['data']): Promise<void> {
    const context = stepContext(root, 'initiate');
    await this.runner.decide(streamName.payment(data.paymentId), paymentDecider, { type: 'InitiatePayment', data, context });
  }

  /** Reserves every share, or none: a refusal releases the shares already reserved and fails the payment. */
  async reserve(root: CommandContext, paymentId: string, allocations: readonly Allocation[]): Promise<void> {
    const reserved: string[] = [];
    for (const { bookingId, amount } of allocations) {
      const context = stepContext(root, `reserve:${bookingId}`);
      try {
        await this.runner.decide(streamName.booking(bookingId), bookingDecider, { type: 'ReservePayment', data: { bookingId, paymentId, amount }, context });
        reserved.push(bookingId);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        await this.recordFailure(root, paymentId, { failureCode: error.code, message: error.message });
        await this.release(root, paymentId, reserved);
        throw error;
      }
    }
  }

  /** Records the processor's outcome, applies it to the bookings, and saves the card if asked. */
  async settle(root: CommandContext, paymentId: string, outcome: PaymentOutcome): Promise<CardPaymentResult> {
    const payment = await this.recordOutcome(root, paymentId, outcome);
    await this.probe.reached('payment.outcome-recorded');
    const savedCardId = await this.applyToBookings(root, payment, outcome);
    await this.probe.reached('payment.settled');
    const failure = outcome.status === 'failed' ? outcome : undefined;
    return answer({ paymentId, status: payment.status, ...(savedCardId ? { savedCardId } : {}) }, failure);
  }

  /** Completes a payment whose outcome is already recorded: the bookings, then the same answer. */
  async finish(root: CommandContext, payment: Payment): Promise<CardPaymentResult> {
    await this.applyToBookings(root, payment);
    const failure = payment.status === 'FAILED' ? await this.recordedFailure(payment.paymentId) : undefined;
    return answer({ paymentId: payment.paymentId, status: payment.status }, failure);
  }

  private async recordedFailure(paymentId: string): Promise<{ failureCode: string; declineCode?: string; message: string } | undefined> {
    const events = await this.runner.store.readStream(streamName.payment(paymentId), { direction: 'backwards' });
    const failed = events.find((event) => event.type === 'ChargeFailed');
    return failed?.data as { failureCode: string; declineCode?: string; message: string } | undefined;
  }

  private async recordOutcome(root: CommandContext, paymentId: string, outcome: PaymentOutcome): Promise<Payment> {
    const stream = streamName.payment(paymentId);
    const context = stepContext(root, 'outcome');
    switch (outcome.status) {
      case 'succeeded': {
        const data = { paymentId, processorPaymentId: outcome.processorPaymentId, amount: outcome.amountCaptured, card: outcome.card };
        return asPayment((await this.runner.decide(stream, paymentDecider, { type: 'RecordCharge', data, context })).state);
      }
      case 'requires_capture': {
        const { processorPaymentId, amountAuthorized: amount, captureBefore } = outcome;
        const data = { paymentId, processorPaymentId, amount, captureBefore };
        return asPayment((await this.runner.decide(stream, paymentDecider, { type: 'RecordAuthorization', data, context })).state);
      }
      case 'failed':
        return this.recordFailure(root, paymentId, outcome);
    }
  }

  private async recordFailure(root: CommandContext, paymentId: string, failure: { failureCode: string; declineCode?: string; message: string }) {
    const data = { paymentId, failureCode: failure.failureCode, ...(failure.declineCode ? { declineCode: failure.declineCode } : {}), message: failure.message };
    const context = stepContext(root, 'outcome');
    return asPayment((await this.runner.decide(streamName.payment(paymentId), paymentDecider, { type: 'RecordChargeFailure', data, context })).state);
  }

  /** Applies the payment's recorded state to each booking; returns the id of a card saved with it. */
  async applyToBookings(root: CommandContext, payment: Payment, outcome?: PaymentOutcome): Promise<string | undefined> {
    const { paymentId } = payment;
    for (const share of bookingShares(payment)) {
      const { bookingId } = share;
      const context = stepContext(root, `${share.outcome}:${bookingId}`);
      const stream = streamName.booking(bookingId);
      if (share.outcome === 'PaymentApplied') {
        const data = { bookingId, paymentId, amount: share.amount, method: payment.method };
        await this.runner.decide(stream, bookingDecider, { type: 'ApplyPayment', data, context });
      } else if (share.outcome === 'AuthorizationApplied') {
        await this.runner.decide(stream, bookingDecider, { type: 'ApplyAuthorization', data: { bookingId, paymentId, amount: share.amount }, context });
      } else if (share.outcome === 'PaymentReservationReleased') {
        await this.runner.decide(stream, bookingDecider, { type: 'ReleasePaymentReservation', data: { bookingId, paymentId }, context });
      }
    }
    return this.saveCard(root, payment, outcome);
  }

  private async saveCard(root: CommandContext, payment: Payment, outcome: PaymentOutcome | undefined): Promise<string | undefined> {
    if (!payment.saveCard || !outcome || outcome.status === 'failed' || !outcome.savedCard) return undefined;
    const cardId = deriveId(payment.paymentId, 'saved-card');
    const { processorPaymentMethodId, brand, last4, expMonth, expYear } = outcome.savedCard;
    const processorCustomerId = outcome.savedCard.processorCustomerId ?? '';
    await this.runner.decide(streamName.customer(payment.customerId), customerDecider, {
      type: 'SaveCard',
      data: { customerId: payment.customerId, cardId, processorCustomerId, processorPaymentMethodId, brand, last4, expMonth, expYear },
      context: stepContext(root, 'save-card'),
    });
    return cardId;
  }

  async release(root: CommandContext, paymentId: string, bookingIds: readonly string[]): Promise<void> {
    for (const bookingId of bookingIds) {
      const context = stepContext(root, `release:${bookingId}`);
      await this.runner.decide(streamName.booking(bookingId), bookingDecider, { type: 'ReleasePaymentReservation', data: { bookingId, paymentId }, context });
    }
  }
}

export interface BookingShare {
  readonly bookingId: string;
  readonly amount: Money;
  /** What the booking's record of this payment must end as; undefined while the payment is open. */
  readonly outcome: 'PaymentApplied' | 'AuthorizationApplied' | 'PaymentReservationReleased' | undefined;
}

/**
 * What each booking a payment pays must show, given the payment's recorded state: money taken is
 * applied share by share in allocation order (so a partial capture pays the first shares and
 * releases the rest), a live hold is authorised, and anything that ended without money is released.
 */
export function bookingShares(payment: Payment): BookingShare[] {
  if (payment.status === 'CAPTURED' || payment.status === 'COLLECTED') {
    const { applied } = capturedShares(payment);
    const paid = new Map(applied.map((share) => [share.bookingId, share.amount]));
    return payment.allocations.map(({ bookingId, amount }) => {
      const taken = paid.get(bookingId);
      return taken ? { bookingId, amount: taken, outcome: 'PaymentApplied' } : { bookingId, amount, outcome: 'PaymentReservationReleased' };
    });
  }
  const outcome =
    payment.status === 'AUTHORIZED' ? 'AuthorizationApplied'
    : payment.status === 'INITIATED' ? undefined
    : 'PaymentReservationReleased';
  return payment.allocations.map(({ bookingId, amount }) => ({ bookingId, amount, outcome }));
}

/** The caller's answer: the result, or the recorded failure as a typed rejection carrying it. */
function answer(result: CardPaymentResult, failure: { failureCode: string; declineCode?: string; message: string } | undefined): CardPaymentResult {
  if (!failure) return result;
  const details = { ...result, failureCode: failure.failureCode, ...(failure.declineCode ? { declineCode: failure.declineCode } : {}) };
  throw new ApplicationError(isDecline(failure.failureCode) ? 'CARD_DECLINED' : 'PROCESSOR_REJECTED', failure.message, details);
}

function asPayment(state: { status: string }): Payment {
  if (state.status === 'NONE') throw new Error('unreachable: a recorded payment has state');
  return state as Payment;
}

/** Failure codes that mean the card was declined, as opposed to a request the processor refused. */
const DECLINES = new Set(['card_declined', 'expired_card', 'incorrect_cvc', 'processing_error', 'incorrect_number', 'insufficient_funds']);

function isDecline(code: string): boolean {
  return DECLINES.has(code);
}
