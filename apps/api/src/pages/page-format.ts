/**
 * How amounts and dates read on the customer pages. Amounts are integer minor units, so they are
 * formatted from a decimal string built from the integer (never a float division), and dates
 * are the booking's calendar day, shown without any time-zone shift.
 */
import { formatMoney as formatExactMoney } from '@ledger/domain';
import type { Money } from '@ledger/domain';

const LOCALE = 'en-CA';

/** `{ amountMinor: 12500, currency: 'CAD' }` reads `$125.00`; other currencies keep their code (`US$125.00`). */
export function formatMoney(amount: Money): string {
  return formatExactMoney(amount, LOCALE);
}

/** `2026-11-20` reads `Friday, November 20, 2026`; anything else is shown as recorded. */
export function formatServiceDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(at);
}

/** An instant as the business's customers read it, in the business's time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(LOCALE, { timeZone, dateStyle: 'long', timeStyle: 'short' }).format(at);
  } catch {
    return new Intl.DateTimeFormat(LOCALE, { timeZone: 'UTC', dateStyle: 'long', timeStyle: 'short', timeZoneName: 'short' }).format(at);
  }
}

export function formatCardBrand(brand: string): string {
  const names: Readonly<Record<string, string>> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover' };
  return names[brand] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
