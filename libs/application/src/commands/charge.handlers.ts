/**
 * Handlers for the charging commands. Each runs under the request's idempotency key, works out
 * what to charge from the bookings' balances, and hands the payment to CardPayments.
 */
import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DomainError, money } from '@ledger/domain';
import type { Allocation, Booking, CaptureMode } from '@ledger/domain';
import { CommandContexts } from '../command-contexts.js';
import { IdempotencyGuard } from '../idempotency.js';
import { CardPayments } from '../payments/card-payments.js';
import type { CardPaymentResult } from '../payments/card-payments.js';
import { cardChoice } from '../payments/card-choice.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { CustomerBookings } from '../payments/customer-bookings.port.js';
import { AuthorizePaymentCommand, ChargeBookingCommand, ChargeCustomerCommand } from './charge.commands.js';
import { outstandingAllocations } from './outstanding.js';

@Injectable()
abstract class CardCommandHandler {
  constructor(
    protected readonly guard: IdempotencyGuard,
    protected readonly contexts: CommandContexts,
    protected readonly reader: LedgerReader,
    protected readonly payments: CardPayments,
  ) {}

  /** Charges one booking: the given amount, or all that is still owed on it. */
  protected async chargeOne(
    command: ChargeBookingCommand | AuthorizePaymentCommand,
    commandType: string,
    capture: CaptureMode,
  ): Promise<CardPaymentResult> {
    const { caller, input } = command;
    const plan = () => this.planOne(caller.tenant, input);
    return this.guard.run(
      { tenant: caller.tenant, key: input.idempotencyKey, commandType, input },
      async (commandId) => {
        const context = this.contexts.create(commandId, caller.tenant, caller.actor);
        const resumed = await this.payments.resumeIfStarted(context, (customer) => cardChoice(input, customer));
        return resumed ?? this.payments.start({ context, capture, ...(await plan()) });
      },
      plan,
    );
  }

  /** What to charge, to which booking and with which card, checked against the booking as it is. */
  private async planOne(tenant: string, input: ChargeBookingCommand['input']) {
    const booking = await this.reader.booking(tenant, input.bookingId);
    const customer = await this.reader.customer(tenant, booking.customerId);
    const amountMinor = input.amountMinor ?? nothingOwedGuard(booking);
    assertChargeable(booking, amountMinor);
    return {
      customerId: booking.customerId,
      allocations: [{ bookingId: booking.bookingId, amount: money(amountMinor, booking.total.currency) }],
      card: cardChoice(input, customer),
    };
  }
}

/**
 * Checks the request against the booking before anything is recorded, so plain bad input leaves
 * no trace. The reservation re-checks against the state it writes to, which is what holds
 * under concurrency.
 */
function assertChargeable(booking: Booking, amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new DomainError('INVALID_AMOUNT', 'amountMinor must be a positive integer number of minor units', { amountMinor });
  }
  if (booking.status === 'CANCELLED') throw new DomainError('INVALID_STATE', 'The booking is cancelled', { bookingId: booking.bookingId });
  if (amountMinor > booking.remaining.amountMinor) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'The amount is more than is owed on the booking', {
      bookingId: booking.bookingId,
      amountMinor,
      remainingMinor: booking.remaining.amountMinor,
    });
  }
}

function nothingOwedGuard(booking: Booking): number {
  if (booking.remaining.amountMinor <= 0) {
    throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'Nothing is owed on this booking', { bookingId: booking.bookingId, remainingMinor: 0 });
  }
  return booking.remaining.amountMinor;
}

@CommandHandler(ChargeBookingCommand)
export class ChargeBookingHandler extends CardCommandHandler implements ICommandHandler<ChargeBookingCommand, CardPaymentResult> {
  execute(command: ChargeBookingCommand): Promise<CardPaymentResult> {
    return this.chargeOne(command, 'ChargeBooking', 'AUTOMATIC');
  }
}

@CommandHandler(AuthorizePaymentCommand)
export class AuthorizePaymentHandler extends CardCommandHandler implements ICommandHandler<AuthorizePaymentCommand, CardPaymentResult> {
  execute(command: AuthorizePaymentCommand): Promise<CardPaymentResult> {
    return this.chargeOne(command, 'AuthorizePayment', 'MANUAL');
  }
}

@CommandHandler(ChargeCustomerCommand)
export class ChargeCustomerHandler extends CardCommandHandler implements ICommandHandler<ChargeCustomerCommand, CardPaymentResult> {
  constructor(
    guard: IdempotencyGuard,
    contexts: CommandContexts,
    reader: LedgerReader,
    payments: CardPayments,
    private readonly bookings: CustomerBookings,
  ) {
    super(guard, contexts, reader, payments);
  }

  execute({ caller, input }: ChargeCustomerCommand): Promise<CardPaymentResult> {
    const plan = () => this.plan(caller.tenant, input);
    return this.guard.run(
      { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'ChargeCustomer', input },
      async (commandId) => {
        const context = this.contexts.create(commandId, caller.tenant, caller.actor);
        const resumed = await this.payments.resumeIfStarted(context, (customer) => cardChoice(input, customer));
        return resumed ?? this.payments.start({ context, capture: 'AUTOMATIC', ...(await plan()) });
      },
      plan,
    );
  }

  /** The customer's outstanding bookings to pay and the card to pay them with, as they are now. */
  private async plan(tenant: string, input: ChargeCustomerCommand['input']) {
    const customer = await this.reader.customer(tenant, input.customerId);
    const allocations: Allocation[] = await outstandingAllocations(this.reader, this.bookings, tenant, customer.customerId, input);
    return { customerId: customer.customerId, allocations, card: cardChoice(input, customer) };
  }
}
