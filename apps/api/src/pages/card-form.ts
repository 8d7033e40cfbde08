/**
 * What the pages accept from a card form: the processor's payment-method token and the "save
 * this card" choice, nothing else. The card itself never reaches this server (Stripe.js or the
 * sandbox script turns it into a token in the browser), and a request carrying anything that
 * looks like a card number is refused before it is looked at further, so no card number can end
 * up in a command, the log or a trace by accident.
 */

export type CardFormResult =
  | { readonly ok: true; readonly paymentMethodToken: string; readonly saveCard: boolean }
  | { readonly ok: false; readonly reason: 'CARD_NUMBER_SENT' | 'NO_CARD' };

/** Stripe payment-method ids (`pm_...`), including the documented test tokens such as `pm_card_visa`. */
const paymentMethodTokenPattern = /^pm_[A-Za-z0-9_]{1,250}$/;

/** Card numbers have 12 to 19 digits; people and browsers add spaces, dashes or dots between groups. */
const panLike = /(?:\d[\s.\-_]*){12,19}/;

/** True when any value in the body, at any depth, holds a run of digits shaped like a card number. */
export function containsCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 8) return true;
  if (typeof value === 'string') return panLike.test(value);
  if (typeof value === 'number' || typeof value === 'bigint') return panLike.test(String(value));
  if (Array.isArray(value)) return value.some((item) => containsCardNumber(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).some(([key, item]) => panLike.test(key) || containsCardNumber(item, depth + 1));
  }
  return false;
}

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}

/** A checked checkbox arrives as its value; an unchecked one does not arrive at all. */
function checked(value: unknown): boolean {
  return value === true || (typeof value === 'string' && ['yes', 'on', 'true', '1'].includes(value.trim().toLowerCase()));
}

export function readCardForm(body: unknown): CardFormResult {
  if (containsCardNumber(body)) return { ok: false, reason: 'CARD_NUMBER_SENT' };
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const paymentMethodToken = single(fields.paymentMethodToken);
  if (paymentMethodToken === undefined || !paymentMethodTokenPattern.test(paymentMethodToken)) return { ok: false, reason: 'NO_CARD' };
  return { ok: true, paymentMethodToken, saveCard: checked(fields.saveCard) };
}
