/**
 * Booking handlers. Creating a booking records it first, then acts on the card given with it as
 * the business's charge timing says: charge it in full, hold the full amount, or keep it on file.
 * Every step's ids derive from the booking command's id (itself derived from the idempotency key
 * when there is one), so a retry resumes the same booking and payment instead of charging twice.
 * A card the processor refuses leaves the booking standing, since the money is still owed.
 */
import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { DomainError, assertCurrencyCode, assertSameCurrency, bookingDecider, money, streamName } from '@ledger/domain';
import type { BookingCommand, BookingState, CommandContext, Customer, Money, Tenant } from '@ledger/domain';
import { ApplicationError } from '../application-error.js';
import { CardVault } from '../cards/card-vault.js';
import { CommandContexts } from '../command-contexts.js';
import type { Caller } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { deriveId } from '../ids.js';
import { CardPayments } from '../payments/card-payments.js';
import type { CardPaymentResult } from '../payments/card-payments.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';
import { cardStepFor } from './booking-card-step.js';
import type { CardStep } from './booking-card-step.js';
import {
  CancelBookingCommand,
  ChangeBookingPriceCommand,
  CompleteBookingCommand,
  CreateBookingCommand,
} from './booking.commands.js';
import type { BookingSummary, CardFailure, CreateBookingInput, CreateBookingResult } from './booking.commands.js';
import { runWithOptionalKey } from './optional-key.js';

/**
 * The booking decider, except that creating the booking a resumed command already created is a
 * no-op rather than ALREADY_EXISTS.
 */
const resumableBookingDecider = {
  ...bookingDecider,
  decide: (command: BookingCommand, state: BookingState) => {
    const resumed = command.type === 'CreateBooking' && state.status !== 'NONE' && state.bookingId === command.data.bookingId;
    return resumed && state.customerId === command.data.customerId ? [] : bookingDecider.decide(command, state);
  },
};

/** Refusals that leave a booking standing with the money still owed; anything else is thrown. */
const CARD_REFUSALS = new Set(['CARD_DECLINED', 'PROCESSOR_REJECTED']);

function isCardRefusal(error: unknown): error is ApplicationError {
  return error instanceof ApplicationError && CARD_REFUSALS.has(error.code);
}

@CommandHandler(CreateBookingCommand)
export class CreateBookingHandler implements ICommandHandler<CreateBookingCommand, CreateBookingResult> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly runner: DecisionRunner,
    private readonly payments: CardPayments,
    private readonly vault: CardVault,
  ) {}

  execute({ caller, input }: CreateBookingCommand): Promise<CreateBookingResult> {
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'CreateBooking', input };
    const check = async (commandId: string) => {
      const { create } = await this.plan(caller, input, commandId);
      bookingDecider.decide(create, bookingDecider.initialState);
    };
    return runWithOptionalKey(
      this.guard,
      request,
      async (commandId) => {
        const { tenant, customer, step, root, create } = await this.plan(caller, input, commandId);
        await this.runner.decide(streamName.booking(create.data.bookingId), resumableBookingDecider, create);
        const { bookingId, total } = create.data;
        if (step === undefined) return { bookingId };
        return { bookingId, ...(await this.takeCard(root, step, { tenant, customer, bookingId, total })) };
      },
      check,
    );
  }

  /** The booking this command records and what it does with the card; everything about the card is checked here. */
  private async plan(caller: Caller, input: CreateBookingInput, commandId: string) {
    const tenant = await this.reader.tenant(caller.tenant);
    const total = bookingTotal(tenant, input);
    const customer = await this.reader.customer(caller.tenant, input.customerId);
    const step = cardStepFor(tenant, input);
    const root = this.contexts.create(commandId, caller.tenant, caller.actor);
    const { customerId, description, serviceDate, source } = input;
    const data = { bookingId: deriveId(commandId, 'booking'), customerId, description, total, serviceDate, source };
    const create = { type: 'CreateBooking' as const, data, context: stepContext(root, 'create-booking') };
    return { tenant, customer, step, root, create };
  }

  private async takeCard(
    root: CommandContext,
    step: CardStep,
    booking: { tenant: Tenant; customer: Customer; bookingId: string; total: Money },
  ): Promise<Omit<CreateBookingResult, 'bookingId'>> {
    const { tenant, customer, bookingId, total } = booking;
    if (step.kind === 'save') {
      try {
        const cardId = deriveId(root.commandId, 'card');
        const context = stepContext(root, 'save-card');
        await this.vault.save(context, { tenant, customer, paymentMethodToken: step.paymentMethodToken, cardId });
        return { savedCardId: cardId };
      } catch (error) {
        if (isCardRefusal(error)) return { cardFailure: cardFailureOf(error) };
        throw error;
      }
    }
    let payment: CardPaymentResult;
    try {
      payment = await this.payments.start({
        context: stepContext(root, 'payment'),
        customerId: customer.customerId,
        allocations: [{ bookingId, amount: total }],
        capture: step.capture,
        card: step.card,
      });
    } catch (error) {
      if (!isCardRefusal(error) || typeof error.details.paymentId !== 'string') throw error;
      // The failure is recorded on the payment and the reservation released; the booking is owed in full.
      payment = error.details as unknown as CardPaymentResult;
    }
    return { payment, ...(payment.savedCardId ? { savedCardId: payment.savedCardId } : {}) };
  }
}

function bookingTotal(tenant: Tenant, input: CreateBookingInput): Money {
  assertCurrencyCode(input.currency);
  const total = money(input.amountMinor, input.currency);
  assertSameCurrency(total, tenant.currency, 'currency');
  return total;
}

function cardFailureOf(error: ApplicationError): CardFailure {
  const { failureCode, declineCode, processorCode } = error.details as Record<string, string | undefined>;
  const code = failureCode ?? processorCode;
  return { code: error.code, message: error.message, ...(code ? { failureCode: code } : {}), ...(declineCode ? { declineCode } : {}) };
}

/** The three lifecycle commands: one decision on the booking stream each. */
@Injectable()
abstract class BookingLifecycleHandler {
  constructor(
    protected readonly runner: DecisionRunner,
    protected readonly contexts: CommandContexts,
    protected readonly reader: LedgerReader,
  ) {}

  protected async decide(caller: Caller, command: Omit<BookingCommand, 'context'>): Promise<BookingSummary> {
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const { bookingId } = command.data;
    const { state } = await this.runner.decide(streamName.booking(bookingId), bookingDecider, { ...command, context } as BookingCommand);
    if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Booking ${bookingId} does not exist`, { bookingId });
    return { bookingId: state.bookingId, status: state.status, total: state.total, remaining: state.remaining };
  }
}

@CommandHandler(ChangeBookingPriceCommand)
export class ChangeBookingPriceHandler extends BookingLifecycleHandler implements ICommandHandler<ChangeBookingPriceCommand, BookingSummary> {
  async execute({ caller, input }: ChangeBookingPriceCommand): Promise<BookingSummary> {
    const booking = await this.reader.booking(caller.tenant, input.bookingId);
    const total = money(input.amountMinor, booking.total.currency);
    return this.decide(caller, { type: 'ChangeBookingPrice', data: { bookingId: booking.bookingId, total } });
  }
}

@CommandHandler(CompleteBookingCommand)
export class CompleteBookingHandler extends BookingLifecycleHandler implements ICommandHandler<CompleteBookingCommand, BookingSummary> {
  execute({ caller, input }: CompleteBookingCommand): Promise<BookingSummary> {
    return this.decide(caller, { type: 'CompleteBooking', data: { bookingId: input.bookingId } });
  }
}

@CommandHandler(CancelBookingCommand)
export class CancelBookingHandler extends BookingLifecycleHandler implements ICommandHandler<CancelBookingCommand, BookingSummary> {
  execute({ caller, input }: CancelBookingCommand): Promise<BookingSummary> {
    return this.decide(caller, { type: 'CancelBooking', data: { bookingId: input.bookingId, reason: input.reason } });
  }
}

export const bookingHandlers = [CreateBookingHandler, ChangeBookingPriceHandler, CompleteBookingHandler, CancelBookingHandler];
