/**
 * The administrators' notice that a customer paid through a payment link, with enough detail to
 * act on it (who, how much, which bookings) and the ids to find the payment in the dashboard.
 */
import { formatInstant, formatMoney, oneLine } from './format.js';
import type { TemplateMoney } from './format.js';
import { bookingLinesText, bookingTable, document, paragraph, textDocument } from './layout.js';
import type { BookingLine, Presentation, RenderedEmail } from './layout.js';

export interface LinkPaidAdminEmail extends Presentation {
  readonly businessName: string;
  readonly customerName: string;
  readonly customerEmail: string;
  readonly amount: TemplateMoney;
  readonly bookings: readonly BookingLine[];
  readonly paidAt: string;
  readonly paymentId: string;
}

export function renderLinkPaidAdminEmail(email: LinkPaidAdminEmail): RenderedEmail {
  const amount = formatMoney(email.amount, email.locale);
  const paidAt = formatInstant(email.paidAt, email.timeZone, email.locale);
  const subject = `${oneLine(email.customerName)} paid ${amount} through a payment link`;
  const summary = `${email.customerName} (${email.customerEmail}) paid ${amount} through a payment link on ${paidAt}. The bookings below are updated.`;
  const reference = `Payment reference: ${email.paymentId}`;
  const footer = `You receive this because ${email.businessName} notifies administrators of payment link payments; it can be turned off in the payment settings.`;
  return {
    subject,
    html: document(subject, 'Payment received', [
      paragraph(summary),
      bookingTable('Bookings paid', email.bookings, email.amount, email),
      paragraph(reference),
      paragraph(footer),
    ]),
    text: textDocument([summary, '', ...bookingLinesText(email.bookings, email.amount, email), '', reference, '', footer]),
  };
}
