/**
 * Running totals that read models keep across many events (a tenant's trial balance, a day's
 * collections). Nothing in the domain bounds them: each amount is at most MAX_AMOUNT_MINOR, but
 * a tenant may record any number of amounts, and past 2^53-1 a JavaScript number rounds. They
 * are kept as decimal strings of integer minor units and added as bigints, so they stay exact
 * at any size and one tenant's history can never stop a projection that all tenants share.
 */
import type { ProjectedEvent } from './projection.js';
import { malformed } from './reporting-fields.js';

/** An exact integer count of minor units, written in decimal digits (`"-1500"`, `"0"`). */
export type MinorDigits = string;

const digitsPattern = /^-?\d+$/;

export const ZERO_MINOR: MinorDigits = '0';

/** The total as a bigint; a stored total that is not digits means a corrupt document. */
export function minorOf(digits: MinorDigits, event: ProjectedEvent, field: string): bigint {
  if (typeof digits !== 'string' || !digitsPattern.test(digits)) throw malformed(event, `stored ${field} ${String(digits)} is not a decimal total`);
  return BigInt(digits);
}

/** `total + amountMinor`, exactly. */
export function addMinor(total: MinorDigits, amountMinor: number | bigint, event: ProjectedEvent, field: string): MinorDigits {
  return (minorOf(total, event, field) + BigInt(amountMinor)).toString();
}

/**
 * A per-event amount derived from exact totals (a reversal, a difference), as the number a
 * posting carries. The domain bounds these by one booking's total or one refund; a value beyond
 * 2^53-1 can only come from an impossible history, which stops the projection like any other.
 */
export function safeAmountOf(amountMinor: bigint, event: ProjectedEvent, field: string): number {
  if (amountMinor > BigInt(Number.MAX_SAFE_INTEGER) || amountMinor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw malformed(event, `${field} ${amountMinor} is beyond the safe integer range`);
  }
  return Number(amountMinor);
}
