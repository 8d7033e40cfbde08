/**
 * Records money collected outside the processor against one booking, in three idempotent steps
 * named after the command: the booking's share is reserved (the balance check that holds under
 * concurrency, so two people marking the same booking collected cannot together exceed what is
 * owed), the collection is recorded on the payment stream (CashCollected), and it is applied to
 * the booking. A crash between any two steps is completed by repeating the request with the same
 * idempotency key: every step finds its work done and the amount is read back from the record.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DomainError, bookingDecider, money, offlinePaymentMethods, paymentDecider, streamName } from '@ledger/domain';
import type { Booking, BookingCommand, CommandContext, Money, RecordOfflinePayment, Tenant } from '@ledger/domain';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { paymentIdFor } from '../payments/card-payments.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';
import { StepProbe } from '../payments/step-probe.js';
import { RecordOfflinePaymentCommand } from './offline.commands.js';
import type { OfflinePaymentResult } from './offline.commands.js';

type Input = RecordOfflinePaymentCommand['input'];

/** A booking command of this process, before it is given the context of its step. */
type BookingStep = { [T in BookingCommand['type']]: Omit<Extract<BookingCommand, { type: T }>, 'context'> }[BookingCommand['type']];

@CommandHandler(RecordOfflinePaymentCommand)
export class RecordOfflinePaymentHandler implements ICommandHandler<RecordOfflinePaymentCommand, OfflinePaymentResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly runner: DecisionRunner,
    private readonly probe: StepProbe,
  ) {}

  execute({ caller, input }: RecordOfflinePaymentCommand): Promise<OfflinePaymentResult> {
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'RecordOfflinePayment', input };
    const check = async (commandId: string) => {
      const { collect } = await this.plan(this.contexts.create(commandId, caller.tenant, caller.actor), input);
      // The pure decision on its own: a disabled method or a note too long is refused before anything is recorded.
      paymentDecider.decide(collect, paymentDecider.initialState);
    };
    return this.guard.run(
      request,
      async (commandId) => {
        const root = this.contexts.create(commandId, caller.tenant, caller.actor);
        const { booking, collect } = await this.plan(root, input);
        const { paymentId, amount } = collect.data;
        await this.onBooking(root, 'reserve', { type: 'ReservePayment', data: { bookingId: booking.bookingId, paymentId, amount } });
        await this.record(root, booking.bookingId, collect);
        await this.probe.reached('payment.outcome-recorded');
        const data = { bookingId: booking.bookingId, paymentId, amount, method: input.method };
        await this.onBooking(root, 'apply', { type: 'ApplyPayment', data });
        await this.probe.reached('payment.settled');
        return { paymentId, status: 'COLLECTED', amount, method: input.method };
      },
      check,
    );
  }

  /** The collection this command records, from the booking as it is (or as a resumed command left it). */
  private async plan(root: CommandContext, input: Input): Promise<{ booking: Booking; collect: RecordOfflinePayment }> {
    const tenant = await this.reader.tenant(root.tenant);
    const booking = await this.reader.booking(root.tenant, input.bookingId);
    const paymentId = paymentIdFor(root.commandId);
    const amount = collectedAmount(booking, paymentId, input.amountMinor);
    return { booking, collect: collectCommand(stepContext(root, 'collect'), tenant, booking, paymentId, amount, input) };
  }

  /** Records the collection; if the payment stream refuses it, the reservation is let go again. */
  private async record(root: CommandContext, bookingId: string, collect: RecordOfflinePayment): Promise<void> {
    try {
      await this.runner.decide(streamName.payment(collect.data.paymentId), paymentDecider, collect);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const data = { bookingId, paymentId: collect.data.paymentId };
      await this.onBooking(root, 'release', { type: 'ReleasePaymentReservation', data });
      throw error;
    }
  }

  private async onBooking(root: CommandContext, step: string, command: BookingStep): Promise<void> {
    const decided: BookingCommand = { ...command, context: stepContext(root, step) };
    await this.runner.decide(streamName.booking(command.data.bookingId), bookingDecider, decided);
  }
}

/**
 * What is collected: the amount a resumed command already reserved, or the amount asked for
 * (by default all that is still owed), never more than the booking's remaining balance.
 */
function collectedAmount(booking: Booking, paymentId: string, amountMinor: number | undefined): Money {
  const { currency } = booking.total;
  const earlier = booking.payments[paymentId];
  if (earlier !== undefined && earlier.status !== 'RELEASED') return money(earlier.amountMinor, currency);
  if (booking.status === 'CANCELLED') throw new DomainError('INVALID_STATE', 'The booking is cancelled', { bookingId: booking.bookingId });
  const remainingMinor = booking.remaining.amountMinor;
  if (amountMinor === undefined && remainingMinor <= 0) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'Nothing is owed on this booking', { bookingId: booking.bookingId, remainingMinor });
  }
  const wanted = amountMinor ?? remainingMinor;
  if (!Number.isSafeInteger(wanted) || wanted <= 0) {
    throw new DomainError('INVALID_AMOUNT', 'amountMinor must be a positive integer number of minor units', { amountMinor: wanted });
  }
  if (wanted > remainingMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'The amount is more than is owed on the booking', {
      bookingId: booking.bookingId,
      amountMinor: wanted,
      remainingMinor,
    });
  }
  return money(wanted, currency);
}

function collectCommand(context: CommandContext, tenant: Tenant, booking: Booking, paymentId: string, amount: Money, input: Input): RecordOfflinePayment {
  if (!(offlinePaymentMethods as readonly string[]).includes(input.method)) {
    throw new DomainError('VALIDATION_FAILED', `method must be one of ${offlinePaymentMethods.join(', ')}`, { field: 'method' });
  }
  const details = { ...(input.reference !== undefined ? { reference: input.reference } : {}), ...(input.note !== undefined ? { note: input.note } : {}) };
  return {
    type: 'RecordOfflinePayment',
    data: {
      paymentId,
      customerId: booking.customerId,
      allocations: [{ bookingId: booking.bookingId, amount }],
      amount,
      method: input.method,
      ...details,
      enabledMethods: tenant.settings.offlineMethods,
    },
    context,
  };
}

export const offlineHandlers = [RecordOfflinePaymentHandler];
