/**
 * The card request e-mail: a customer who booked without a card (by phone, say) is asked to add
 * one through a secure link. It says plainly that nothing is charged by adding the card.
 */
import { formatInstant, oneLine } from './format.js';
import { button, document, paragraph, textDocument } from './layout.js';
import type { Presentation, RenderedEmail } from './layout.js';

export interface CardRequestEmail extends Presentation {
  readonly businessName: string;
  readonly customerName: string;
  /** `${publicUrl}/card/<token>`. */
  readonly url: string;
  readonly expiresAt: string;
}

export function renderCardRequestEmail(email: CardRequestEmail): RenderedEmail {
  const expires = formatInstant(email.expiresAt, email.timeZone, email.locale);
  const subject = `${oneLine(email.businessName)} asks you to add a payment card`;
  const greeting = `Hello ${email.customerName},`;
  const ask = `${email.businessName} asks you to add a card for your bookings. Your card details go straight to the card processor; adding the card charges nothing.`;
  const security = `This secure link works until ${expires}. If you were not expecting it, you can ignore this e-mail.`;
  return {
    subject,
    html: document(subject, 'Add a payment card', [paragraph(greeting), paragraph(ask), button(email.url, 'Add Your Card'), paragraph(security)]),
    text: textDocument([greeting, '', ask, '', `Add Your Card: ${email.url}`, '', security]),
  };
}
