/**
 * What the customer's pay page shows for a token: the business, what is owed booking by
 * booking, and where the link stands (payable, being paid, paid, expired, cancelled).
 *
 * It reads the event store, not the read models: customers often open the link seconds after it
 * was sent, and the page must agree with what `PayPaymentLinkCommand` will decide (same state,
 * same clock), not with a projection that may still be catching up. A token that names no link,
 * or does not match the link it names, is simply not found: the answer never says which.
 */
import { Injectable } from '@nestjs/common';
import { paymentDecider, paymentLinkDecider, streamName } from '@ledger/domain';
import type { Allocation, Booking, CardDisplay, Charged, Money, Payment, PaymentLink, PaymentState } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { Clock } from '../clock.port.js';
import { DecisionRunner } from '../decision-runner.js';
import { linkIdOfToken, linkTokenMatches } from '../commands/payment-link-token.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { businessOf } from './business-summary.js';
import type { BusinessSummary } from './business-summary.js';

/**
 * PAYABLE: the form is shown. PROCESSING: a payment started through the link has no outcome yet
 * (the processor's answer, or its webhook, is awaited). OUTDATED: the bookings no longer owe
 * what the link asks for (paid another way meanwhile), so paying it would be refused.
 */
export type PaymentLinkPageState = 'PAYABLE' | 'PROCESSING' | 'PAID' | 'EXPIRED' | 'CANCELLED' | 'OUTDATED';

export interface BookingLine {
  readonly bookingId: string;
  readonly description: string;
  /** `YYYY-MM-DD`, as the booking was made. */
  readonly serviceDate: string;
  /** This booking's share of the link's amount. */
  readonly amount: Money;
}

export interface PaymentLinkReceipt {
  readonly amount: Money;
  readonly card?: CardDisplay;
}

export interface PaymentLinkPage {
  readonly state: PaymentLinkPageState;
  readonly business: BusinessSummary;
  readonly customerName: string;
  /** Where the link (and so the receipt) was sent. */
  readonly email: string;
  readonly amount: Money;
  readonly lines: readonly BookingLine[];
  readonly expiresAt: string;
  /** Set once the link is paid. */
  readonly receipt?: PaymentLinkReceipt;
}

/** Payment states in which money may still move: the attempt is neither over nor declined. */
const openAttemptStates: ReadonlySet<PaymentState['status']> = new Set(['INITIATED', 'AUTHORIZED']);

@Injectable()
export class PaymentLinkPages {
  constructor(
    private readonly store: EventStore,
    private readonly runner: DecisionRunner,
    private readonly reader: LedgerReader,
    private readonly clock: Clock,
  ) {}

  /** The page for a token, or `undefined` when the token opens nothing. */
  async find(token: string): Promise<PaymentLinkPage | undefined> {
    const found = await this.findLink(token);
    if (found === undefined) return undefined;
    const { tenantId, link } = found;
    const tenant = await this.reader.tenant(tenantId);
    const customer = await this.reader.customer(tenantId, link.customerId);
    const attempt = await this.lastAttempt(tenantId, link);
    const paid = link.status === 'PAID' || attempt?.status === 'CAPTURED';
    const allocations = attempt !== undefined && (paid || openAttemptStates.has(attempt.status)) ? attempt.allocations : undefined;
    const bookings = await Promise.all(link.bookingIds.map((id) => this.reader.booking(tenantId, id)));
    const lines = allocations ? linesOf(bookings, allocations) : shareOut(bookings, link.amount);
    const page = {
      business: businessOf(tenant),
      customerName: customer.name,
      email: link.email,
      amount: link.amount,
      lines: lines ?? shareOfTotals(bookings, link.amount),
      expiresAt: link.expiresAt,
    };
    if (paid) return { ...page, state: 'PAID', receipt: await this.receipt(tenantId, link.paidByPaymentId ?? attempt!.paymentId) };
    return { ...page, state: this.stateOf(link, attempt, lines !== undefined) };
  }

  private stateOf(link: PaymentLink, attempt: Payment | undefined, owed: boolean): PaymentLinkPageState {
    // An attempt begun while the link was payable is still honoured, so it outranks expiry.
    if (attempt !== undefined && openAttemptStates.has(attempt.status)) return 'PROCESSING';
    if (link.status === 'CANCELLED') return 'CANCELLED';
    if (link.status === 'EXPIRED' || this.clock.now().getTime() >= Date.parse(link.expiresAt)) return 'EXPIRED';
    return owed ? 'PAYABLE' : 'OUTDATED';
  }

  private async findLink(token: string): Promise<{ tenantId: string; link: PaymentLink } | undefined> {
    const linkId = linkIdOfToken(token);
    // A blank id is no link; it would not even name a stream.
    if (linkId === undefined || linkId.trim() === '') return undefined;
    const stream = streamName.paymentLink(linkId);
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    const tenantId = first?.metadata.tenant;
    if (typeof tenantId !== 'string') return undefined;
    const { state } = await this.runner.load(stream, paymentLinkDecider, tenantId);
    if (state.status === 'NONE' || !linkTokenMatches(token, state.tokenHash)) return undefined;
    return { tenantId, link: state };
  }

  private async lastAttempt(tenantId: string, link: PaymentLink): Promise<Payment | undefined> {
    const paymentId = link.paidByPaymentId ?? link.attemptPaymentIds[link.attemptPaymentIds.length - 1];
    if (paymentId === undefined) return undefined;
    const { state } = await this.runner.load(streamName.payment(paymentId), paymentDecider, tenantId);
    return state.status === 'NONE' ? undefined : state;
  }

  /** What was taken and with which card, from the payment's `Charged` facts. */
  private async receipt(tenantId: string, paymentId: string): Promise<PaymentLinkReceipt> {
    const payment = await this.reader.payment(tenantId, paymentId);
    const events = await this.store.readStream(streamName.payment(paymentId));
    const charged = events.filter((event) => event.type === 'Charged').map((event) => event.data as Charged['data']);
    const card = charged.find((data) => data.card !== undefined)?.card;
    const amount = payment.captured.amountMinor > 0 ? payment.captured : payment.amount;
    return card ? { amount, card } : { amount };
  }
}

function lineOf(booking: Booking, amount: Money): BookingLine {
  const { bookingId, description, serviceDate } = booking;
  return { bookingId, description, serviceDate, amount };
}

/** The shares an attempt recorded, in the link's booking order. */
function linesOf(bookings: readonly Booking[], allocations: readonly Allocation[]): BookingLine[] {
  return bookings.flatMap((booking) => {
    const share = allocations.find((allocation) => allocation.bookingId === booking.bookingId);
    return share ? [lineOf(booking, share.amount)] : [];
  });
}

/**
 * The shares a payment made now would take: the link's amount filled into the bookings in the
 * link's order, as PayPaymentLink allocates it; `undefined` when they no longer owe that much.
 */
function shareOut(bookings: readonly Booking[], amount: Money): BookingLine[] | undefined {
  const lines: BookingLine[] = [];
  let leftMinor = amount.amountMinor;
  for (const booking of bookings) {
    const owedMinor = booking.status === 'CANCELLED' ? 0 : booking.remaining.amountMinor;
    const shareMinor = Math.min(leftMinor, owedMinor);
    if (shareMinor > 0) lines.push(lineOf(booking, { amountMinor: shareMinor, currency: amount.currency }));
    leftMinor -= shareMinor;
  }
  return leftMinor === 0 ? lines : undefined;
}

/** For a link that can no longer be paid as sent: the bookings it was for, at their prices. */
function shareOfTotals(bookings: readonly Booking[], amount: Money): BookingLine[] {
  return bookings.map((booking) => lineOf(booking, booking.total.currency === amount.currency ? booking.total : amount));
}

