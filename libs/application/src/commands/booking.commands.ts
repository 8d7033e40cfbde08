/**
 * Booking commands as the API sends them. A booking may arrive with a card: the business's
 * charge timing then decides whether the card is charged at once, held, or only kept on file.
 */
import { Command } from '@nestjs/cqrs';
import type { BookingSource, BookingStatus, Money } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';
import type { CardPaymentResult } from '../payments/card-payments.js';

export interface CreateBookingInput {
  readonly customerId: string;
  readonly description: string;
  readonly amountMinor: number;
  /** Must be the business's currency. */
  readonly currency: string;
  /** A calendar date (YYYY-MM-DD) or an instant. */
  readonly serviceDate: string;
  readonly source: BookingSource;
  readonly paymentMethodToken?: string;
  /** Online bookings keep the card unless this is false; others only when it is true. */
  readonly saveCard?: boolean;
  /** The booking id derives from it, and a retry with it resumes instead of charging again. */
  readonly idempotencyKey?: string;
}

/** Why the card given with a booking could not be kept on file; the booking stands. */
export interface CardFailure {
  readonly code: string;
  readonly message: string;
  readonly failureCode?: string;
  readonly declineCode?: string;
}

export interface CreateBookingResult {
  readonly bookingId: string;
  /** The charge or hold made at booking; a decline is reported here with status FAILED. */
  readonly payment?: CardPaymentResult;
  readonly savedCardId?: string;
  /** Set when the card was only to be kept on file and the processor refused it. */
  readonly cardFailure?: CardFailure;
}

export class CreateBookingCommand extends Command<CreateBookingResult> {
  constructor(
    readonly caller: Caller,
    readonly input: CreateBookingInput,
  ) {
    super();
  }
}

/** What a lifecycle command leaves the booking at. */
export interface BookingSummary {
  readonly bookingId: string;
  readonly status: BookingStatus;
  readonly total: Money;
  readonly remaining: Money;
}

export class ChangeBookingPriceCommand extends Command<BookingSummary> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly bookingId: string; readonly amountMinor: number },
  ) {
    super();
  }
}

export class CompleteBookingCommand extends Command<BookingSummary> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly bookingId: string },
  ) {
    super();
  }
}

export class CancelBookingCommand extends Command<BookingSummary> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly bookingId: string; readonly reason: string },
  ) {
    super();
  }
}
