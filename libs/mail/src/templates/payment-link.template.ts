/**
 * The payment link e-mail: what the customer owes, booking by booking, and a "Complete Payment"
 * link to the secure pay page. The link's expiry is shown so nobody is surprised by a dead link.
 */
import { formatInstant, formatMoney, oneLine } from './format.js';
import type { TemplateMoney } from './format.js';
import { bookingLinesText, bookingTable, button, document, paragraph, textDocument } from './layout.js';
import type { BookingLine, Presentation, RenderedEmail } from './layout.js';

export interface PaymentLinkEmail extends Presentation {
  readonly businessName: string;
  readonly customerName: string;
  /** `${publicUrl}/pay/<token>`. */
  readonly url: string;
  readonly bookings: readonly BookingLine[];
  readonly total: TemplateMoney;
  readonly expiresAt: string;
}

export function renderPaymentLinkEmail(email: PaymentLinkEmail): RenderedEmail {
  const total = formatMoney(email.total, email.locale);
  const expires = formatInstant(email.expiresAt, email.timeZone, email.locale);
  const subject = `Payment request from ${oneLine(email.businessName)}: ${total}`;
  const greeting = `Hello ${email.customerName},`;
  const ask = `${email.businessName} asks you to pay ${total} for the following.`;
  const security = `This secure link works until ${expires}. If you were not expecting it, you can ignore this e-mail.`;
  return {
    subject,
    html: document(subject, 'Complete your payment', [
      paragraph(greeting),
      paragraph(ask),
      bookingTable('What you are paying for', email.bookings, email.total, email),
      button(email.url, 'Complete Payment'),
      paragraph(security),
    ]),
    text: textDocument([
      greeting,
      '',
      ask,
      '',
      ...bookingLinesText(email.bookings, email.total, email),
      '',
      `Complete Payment: ${email.url}`,
      '',
      security,
    ]),
  };
}
