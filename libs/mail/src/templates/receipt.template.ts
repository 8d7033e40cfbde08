/**
 * The customer's receipt after a successful card payment: what was paid, for which bookings,
 * with which card (brand and last four digits only), and a reference to quote.
 */
import { formatInstant, formatMoney, oneLine } from './format.js';
import type { TemplateMoney } from './format.js';
import { bookingLinesText, bookingTable, document, paragraph, textDocument } from './layout.js';
import type { BookingLine, Presentation, RenderedEmail } from './layout.js';

export interface ReceiptEmail extends Presentation {
  readonly businessName: string;
  readonly customerName: string;
  readonly amount: TemplateMoney;
  readonly bookings: readonly BookingLine[];
  readonly paidAt: string;
  readonly card?: { readonly brand: string; readonly last4: string };
  readonly paymentId: string;
}

function cardText(card: ReceiptEmail['card']): string {
  if (!card) return 'by card';
  const brand = card.brand.charAt(0).toUpperCase() + card.brand.slice(1);
  return `with your ${brand} card ending in ${card.last4}`;
}

export function renderReceiptEmail(email: ReceiptEmail): RenderedEmail {
  const amount = formatMoney(email.amount, email.locale);
  const paidAt = formatInstant(email.paidAt, email.timeZone, email.locale);
  const subject = `Your receipt from ${oneLine(email.businessName)}: ${amount}`;
  const greeting = `Hello ${email.customerName},`;
  const summary = `Thank you. ${email.businessName} received your payment of ${amount} ${cardText(email.card)} on ${paidAt}.`;
  const reference = `Payment reference: ${email.paymentId}`;
  return {
    subject,
    html: document(subject, 'Payment receipt', [
      paragraph(greeting),
      paragraph(summary),
      bookingTable('What you paid for', email.bookings, email.amount, email),
      paragraph(reference),
    ]),
    text: textDocument([greeting, '', summary, '', ...bookingLinesText(email.bookings, email.amount, email), '', reference]),
  };
}
