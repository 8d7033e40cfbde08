/** The journal's own field readers; the shared ones are in reporting-fields.ts. */
import type { ProjectedEvent } from '../projection.js';
import { dataOf, malformed } from '../reporting-fields.js';

export { amountField, malformed, textField } from '../reporting-fields.js';

/** A booking total: zero or more minor units, in an ISO-4217 currency. */
export function totalField(event: ProjectedEvent, field: string): { amountMinor: number; currency: string } {
  const value = dataOf(event)[field] as { amountMinor?: unknown; currency?: unknown } | undefined;
  const amountMinor = value?.amountMinor;
  const currency = value?.currency;
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor) || amountMinor < 0) {
    throw malformed(event, `${field}.amountMinor must be a non-negative integer of minor units`);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw malformed(event, `${field}.currency must be an ISO-4217 code`);
  }
  return { amountMinor, currency };
}
