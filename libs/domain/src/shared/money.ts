import { DomainError } from './domain-error.js';

/**
 * An amount as an integer count of the currency's minor unit (cents for CAD and USD), so every
 * sum is exact. Floats never enter the ledger: a value that is not a safe integer is rejected
 * rather than rounded, because a silently rounded cent is a reconciliation bug found months later.
 */
export type Money = Readonly<{ amountMinor: number; currency: string }>;

/**
 * The largest amount one command may move or record: 10^12 minor units (ten billion dollars in
 * cents). Stripe itself caps a charge at 8 digits (99,999,999 minor units) for most currencies,
 * so this leaves ten thousand times that for cash, cheques and transfers on large jobs and for
 * currencies with small units, while keeping every sum exact: 2^53 / 10^12 ≈ 9,007 maximal
 * amounts fit in a JavaScript number before a total could leave the safe integer range.
 */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000;

const MAX_SAFE_MINOR = BigInt(Number.MAX_SAFE_INTEGER);

const currencyCodePattern = /^[A-Z]{3}$/;

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && currencyCodePattern.test(value);
}

export function assertCurrencyCode(currency: unknown, field = 'currency'): asserts currency is string {
  if (!isCurrencyCode(currency)) {
    throw new DomainError('VALIDATION_FAILED', `${field} must be an ISO-4217 code of three upper-case letters`, {
      field,
      currency,
    });
  }
}

function assertSafeAmount(amountMinor: unknown, field: string): asserts amountMinor is number {
  if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor)) {
    throw new DomainError('INVALID_AMOUNT', `${field} must be a safe integer count of minor units`, {
      field,
      amountMinor,
    });
  }
}

/** Builds a checked value; zero and negative values are legal here (balances, differences). */
export function money(amountMinor: number, currency: string): Money {
  assertCurrencyCode(currency);
  assertSafeAmount(amountMinor, 'amountMinor');
  // Normalising -0 keeps structural equality (and therefore idempotency checks) exact.
  return { amountMinor: amountMinor === 0 ? 0 : amountMinor, currency };
}

export function zeroMoney(currency: string): Money {
  return money(0, currency);
}

/**
 * Every amount a command moves or records must be a positive safe integer, at most
 * MAX_AMOUNT_MINOR, in a valid currency. Every path (API, CLI, webhooks, process managers)
 * reaches a decider, so this is the one place the maximum is enforced.
 */
export function assertPositiveAmount(amount: Money, field = 'amount'): void {
  if (typeof amount !== 'object' || amount === null) {
    throw new DomainError('INVALID_AMOUNT', `${field} is missing`, { field });
  }
  assertCurrencyCode(amount.currency, `${field}.currency`);
  assertSafeAmount(amount.amountMinor, `${field}.amountMinor`);
  if (amount.amountMinor <= 0) {
    throw new DomainError('INVALID_AMOUNT', `${field} must be greater than zero`, {
      field,
      amountMinor: amount.amountMinor,
    });
  }
  if (amount.amountMinor > MAX_AMOUNT_MINOR) {
    throw new DomainError('INVALID_AMOUNT', `${field}.amountMinor must be at most ${MAX_AMOUNT_MINOR} minor units`, {
      field,
      amountMinor: amount.amountMinor,
      maxMinor: MAX_AMOUNT_MINOR,
    });
  }
}

export function assertSameCurrency(actual: Money, expectedCurrency: string, field = 'amount'): void {
  if (actual.currency !== expectedCurrency) {
    throw new DomainError('CURRENCY_MISMATCH', `${field} is in ${actual.currency}, expected ${expectedCurrency}`, {
      field,
      currency: actual.currency,
      expectedCurrency,
    });
  }
}

export function addMoney(left: Money, right: Money): Money {
  assertSameCurrency(right, left.currency);
  return checkedResult(left.amountMinor + right.amountMinor, left.currency);
}

export function subtractMoney(left: Money, right: Money): Money {
  assertSameCurrency(right, left.currency);
  return checkedResult(left.amountMinor - right.amountMinor, left.currency);
}

/** Returns -1, 0 or 1 so it can be passed straight to `Array.prototype.sort`. */
export function compareMoney(left: Money, right: Money): -1 | 0 | 1 {
  assertSameCurrency(right, left.currency);
  if (left.amountMinor === right.amountMinor) return 0;
  return left.amountMinor < right.amountMinor ? -1 : 1;
}

export function moneyEquals(left: Money, right: Money): boolean {
  return left.currency === right.currency && left.amountMinor === right.amountMinor;
}

/** Sums in one currency; the currency is explicit so an empty list still has one. */
export function sumMoney(values: readonly Money[], currency: string): Money {
  return values.reduce<Money>((total, value) => addMoney(total, value), zeroMoney(currency));
}

/**
 * Sums minor units exactly, however many there are. Totals over a customer's bookings, a
 * tenant's day or a whole history have no bound in the domain, so they are added as bigints.
 */
export function sumMinorExact(amountsMinor: Iterable<number | bigint>): bigint {
  let totalMinor = 0n;
  for (const amountMinor of amountsMinor) totalMinor += BigInt(amountMinor);
  return totalMinor;
}

/**
 * An exact total as a number for an answer, or AMOUNT_OUT_OF_RANGE naming the field: beyond
 * 2^53-1 a number would round, and a rounded total is worse than none. With MAX_AMOUNT_MINOR this
 * needs more than 9,007 maximal amounts in one total.
 */
export function safeMinor(totalMinor: bigint, field: string): number {
  if (totalMinor > MAX_SAFE_MINOR || totalMinor < -MAX_SAFE_MINOR) {
    throw new DomainError('AMOUNT_OUT_OF_RANGE', `${field} is ${totalMinor} minor units, more than an exact answer can carry (2^53-1)`, {
      field,
      totalMinor: totalMinor.toString(),
    });
  }
  return Number(totalMinor);
}

function checkedResult(amountMinor: number, currency: string): Money {
  // Overflow beyond 2^53 would lose cents silently, so it is a rejection, not a result.
  if (!Number.isSafeInteger(amountMinor)) {
    throw new DomainError('INVALID_AMOUNT', 'result exceeds the safe integer range', { currency });
  }
  return money(amountMinor, currency);
}

/**
 * Money as people read it, in a locale. Formatted from the exact decimal string of the integer
 * minor units, never a float division, so a large amount shows every cent it has.
 */
export function formatMoney(amount: Money, locale: string): string {
  const digits = new Intl.NumberFormat(locale, { style: 'currency', currency: amount.currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const units = Math.abs(amount.amountMinor).toString().padStart(digits + 1, '0');
  const decimal = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: amount.currency });
  // A numeric string is formatted exactly as written (ECMA-402 NumberFormat v3).
  return format.format(`${amount.amountMinor < 0 ? '-' : ''}${decimal}` as Intl.StringNumericLiteral);
}
