/**
 * Money given back on a payment: in full or in part, repeatable until all that was taken has
 * been returned. Card payments are refunded through the processor; money collected offline was
 * handed back by the business, and the refund only records it.
 */
import { Command } from '@nestjs/cqrs';
import type { Money } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';

export type RefundStatus = 'REFUNDED' | 'PENDING' | 'FAILED';

export interface RefundResult {
  readonly paymentId: string;
  readonly refundId: string;
  /** PENDING: the processor accepted the refund and reports its outcome later. */
  readonly status: RefundStatus;
  readonly amount: Money;
}

/** Without `amountMinor` everything still refundable on the payment is refunded. */
export class RefundPaymentCommand extends Command<RefundResult> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly paymentId: string; readonly amountMinor?: number; readonly reason?: string; readonly idempotencyKey: string },
  ) {
    super();
  }
}
