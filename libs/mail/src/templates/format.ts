/**
 * Formatting shared by the e-mail templates. Amounts arrive as integer minor units and are
 * formatted from an exact decimal string, never by dividing a float, so a large amount shows
 * every cent it has. Dates are shown in the business's time zone.
 */

import { formatMoney as formatExactMoney } from '@ledger/domain';

export interface TemplateMoney {
  readonly amountMinor: number;
  readonly currency: string;
}

export const DEFAULT_LOCALE = 'en-US';

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value from outside (names, descriptions) passes through here before it meets HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/** `{ amountMinor: 12550, currency: 'CAD' }` in en-US reads `CA$125.50`. */
export function formatMoney(money: TemplateMoney, locale = DEFAULT_LOCALE): string {
  return formatExactMoney(money, locale);
}

/** A calendar day (`2026-11-20`) stays that day everywhere; an instant is shown in the zone. */
export function formatServiceDate(value: string, timeZone: string, locale = DEFAULT_LOCALE): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  }
  return formatInstant(value, timeZone, locale);
}

export function formatInstant(value: string, timeZone: string, locale = DEFAULT_LOCALE): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // Written out, because dateStyle and timeZoneName cannot be combined and the zone matters.
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Names go into the Subject header, which must stay one line whatever a name contains. */
export function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}
