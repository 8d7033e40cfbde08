/**
 * Payment link commands: the business sends a customer a secure link for what they owe (or
 * previews it), the customer pays through it on the pay page, and the link is cancelled or
 * expires. The link's secret token exists only in the answer to the request that created it
 * (and the e-mail sent with it); the ledger keeps its SHA-256 hash.
 */
import { Command } from '@nestjs/cqrs';
import type { Money, PaymentLinkStatus } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';
import type { CardPaymentResult } from '../payments/card-payments.js';

export interface SendPaymentLinkInput {
  readonly customerId: string;
  /** The bookings to pay, in this order; default: all the customer's outstanding ones, oldest first. */
  readonly bookingIds?: readonly string[];
  /** Default: all that the bookings still owe. */
  readonly amountMinor?: number;
  /** Default: the customer's e-mail address. */
  readonly email?: string;
  /** Answers what would be sent, recording nothing and issuing no token. */
  readonly previewOnly?: boolean;
  /** Makes a repeated request (a double click on Send) answer with the first link instead of a second one. */
  readonly idempotencyKey?: string;
}

export interface PaymentLinkSent {
  /** `PREVIEW` when nothing was recorded; `OPEN` for a new link. */
  readonly status: PaymentLinkStatus | 'PREVIEW';
  /** Absent for a preview. */
  readonly linkId?: string;
  /**
   * The secret the customer's URL carries. Only the answer that created the link has it: a
   * repeat of the request answers without it, because the ledger never stores the token.
   */
  readonly token?: string;
  readonly amount: Money;
  readonly bookingIds: readonly string[];
  readonly expiresAt: string;
  readonly email: string;
}

export class SendPaymentLinkCommand extends Command<PaymentLinkSent> {
  constructor(
    readonly caller: Caller,
    readonly input: SendPaymentLinkInput,
  ) {
    super();
  }
}

export interface PayPaymentLinkInput {
  readonly token: string;
  /** The card the customer entered on the pay page, as the processor's token (`pm_...`). */
  readonly paymentMethodToken: string;
  /** The customer's choice to keep the card for future payments. */
  readonly saveCard: boolean;
}

export type PaymentLinkPayment = CardPaymentResult & { readonly linkId: string };

/**
 * Sent by the public pay page, which has no API key: the tenant and the customer are found
 * from the link the token names, and the actor is that customer.
 */
export class PayPaymentLinkCommand extends Command<PaymentLinkPayment> {
  constructor(readonly input: PayPaymentLinkInput) {
    super();
  }
}

export interface PaymentLinkChanged {
  readonly linkId: string;
  readonly status: PaymentLinkStatus;
}

export class CancelPaymentLinkCommand extends Command<PaymentLinkChanged> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly linkId: string },
  ) {
    super();
  }
}

/** Sent by the expiry timer once the link's time is up; a link paid or cancelled meanwhile is left alone. */
export class ExpirePaymentLinkCommand extends Command<PaymentLinkChanged> {
  constructor(
    readonly caller: Caller,
    readonly input: { readonly linkId: string },
  ) {
    super();
  }
}
