/**
 * "Mark as Collected": money the business took outside the processor (cash, a cheque, an
 * e-transfer, anything else) recorded against a booking, so balances and reports stay right.
 */
import { Command } from '@nestjs/cqrs';
import type { Money, OfflinePaymentMethod, PaymentStatus } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';

export interface OfflinePaymentResult {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly amount: Money;
  readonly method: OfflinePaymentMethod;
}

/** Without `amountMinor` the booking's whole remaining balance is recorded as collected. */
export class RecordOfflinePaymentCommand extends Command<OfflinePaymentResult> {
  constructor(
    readonly caller: Caller,
    readonly input: {
      readonly bookingId: string;
      readonly amountMinor?: number;
      readonly method: OfflinePaymentMethod;
      readonly reference?: string;
      readonly note?: string;
      readonly idempotencyKey: string;
    },
  ) {
    super();
  }
}
