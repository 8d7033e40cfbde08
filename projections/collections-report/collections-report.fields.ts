/** The report's own field readers (days in a time zone); the shared ones are in reporting-fields.ts. */
import type { ProjectedEvent } from '../projection.js';
import { malformed } from '../reporting-fields.js';

export { amountField, malformed, textField } from '../reporting-fields.js';

/** Building a formatter costs far more than using one, and a log has few time zones. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/**
 * The calendar day of the event in the tenant's time zone, as `yyyy-mm-dd`. `en-CA` formats
 * dates in ISO order; the parts are joined explicitly so no locale punctuation leaks in.
 */
export function localDay(event: ProjectedEvent, timeZone: string): string {
  const instant = /^\d{4}-\d{2}-\d{2}T/.test(event.occurredAt) ? new Date(event.occurredAt) : new Date(Number.NaN);
  if (Number.isNaN(instant.getTime()))
    throw malformed(event, `occurredAt ${event.occurredAt} is not an ISO-8601 instant`);
  const parts = dayFormat(timeZone).formatToParts(instant);
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A time zone Intl cannot use would fail every later payment, so it is rejected where it arrives. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
    return true;
  } catch {
    return false;
  }
}
