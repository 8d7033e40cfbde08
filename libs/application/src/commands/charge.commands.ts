/**
 * Charging commands as the API sends them: a booking's remaining (or a given) amount, or a
 * customer's outstanding bookings, with a card on file, a new card (saved) or a one-time card.
 */
import { Command } from '@nestjs/cqrs';
import type { CardPaymentResult } from '../payments/card-payments.js';
import type { Caller } from '../command-contexts.js';

export interface CardInput {
  readonly cardId?: string;
  readonly paymentMethodToken?: string;
  readonly saveCard?: boolean;
}

export class ChargeBookingCommand extends Command<CardPaymentResult> {
  constructor(
    readonly caller: Caller,
    readonly input: CardInput & { readonly bookingId: string; readonly amountMinor?: number; readonly idempotencyKey: string },
  ) {
    super();
  }
}

export class AuthorizePaymentCommand extends Command<CardPaymentResult> {
  constructor(
    readonly caller: Caller,
    readonly input: Omit<CardInput, 'saveCard'> & { readonly bookingId: string; readonly amountMinor?: number; readonly idempotencyKey: string },
  ) {
    super();
  }
}

export class ChargeCustomerCommand extends Command<CardPaymentResult> {
  constructor(
    readonly caller: Caller,
    readonly input: CardInput & {
      readonly customerId: string;
      readonly bookingIds?: readonly string[];
      readonly amountMinor?: number;
      readonly idempotencyKey: string;
    },
  ) {
    super();
  }
}
