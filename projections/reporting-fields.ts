/**
 * Reads the fields the reporting projections need from an event's untyped data. Anything missing or
 * ill-typed throws `MalformedEventError` naming the position: money is never skipped silently.
 */
import { MalformedEventError, type ProjectedEvent } from './projection.js';

export function malformed(event: ProjectedEvent, problem: string): MalformedEventError {
  return new MalformedEventError(event.type, event.position, problem);
}

export function dataOf(event: ProjectedEvent): Record<string, unknown> {
  if (typeof event.data !== 'object' || event.data === null) throw malformed(event, 'data is not an object');
  return event.data as Record<string, unknown>;
}

export function textField(event: ProjectedEvent, field: string): string {
  const value = dataOf(event)[field];
  if (typeof value !== 'string' || value.length === 0) throw malformed(event, `${field} is missing`);
  return value;
}

/** A money movement: a positive safe integer of minor units in an ISO-4217 currency. */
export function amountField(event: ProjectedEvent, field = 'amount'): { amountMinor: number; currency: string } {
  const value = dataOf(event)[field] as { amountMinor?: unknown; currency?: unknown } | undefined;
  const amountMinor = value?.amountMinor;
  const currency = value?.currency;
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw malformed(event, `${field}.amountMinor must be a positive integer of minor units`);
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw malformed(event, `${field}.currency must be an ISO-4217 code`);
  }
  return { amountMinor, currency };
}
