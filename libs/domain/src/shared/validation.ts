import { DomainError } from './domain-error.js';

/**
 * Input checks shared by the deciders. The edge validates shapes too, but commands also come
 * from the CLI, process managers and webhooks, so the domain never trusts that it happened.
 */

function fail(field: string, message: string, value?: unknown): never {
  throw new DomainError('VALIDATION_FAILED', `${field} ${message}`, { field, value });
}

export function requireText(value: unknown, field: string, maxLength = 500): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string', value);
  if (value.length > maxLength) fail(field, `must be at most ${maxLength} characters`);
  return value;
}

/** Optional free text: absent is fine, present must be non-empty and bounded. */
export function optionalText(value: unknown, field: string, maxLength = 500): string | undefined {
  return value === undefined ? undefined : requireText(value, field, maxLength);
}

/**
 * Characters with no place in text that people write and others read: control characters other
 * than tab and line breaks (a NUL truncates the text in some readers), bidirectional overrides
 * and isolates (U+202A-U+202E, U+2066-U+2069: they make "Invoice 1234" display as something
 * else, the "Trojan Source" trick), and halves of surrogate pairs (not text at all).
 */
// Matching control characters is this pattern's purpose.
// eslint-disable-next-line no-control-regex
const UNWRITTEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

/**
 * Text a person wrote for people to read (names, descriptions, notes, reasons). Processor
 * messages and ids use requireText: the ledger records what the processor said, whatever it is.
 */
export function requireWrittenText(value: unknown, field: string, maxLength: number, lines: 'one line' | 'lines' = 'one line'): string {
  const text = requireText(value, field, maxLength);
  if (UNWRITTEN.test(text)) fail(field, 'must not contain control characters, bidirectional overrides or unpaired surrogates');
  if (lines === 'one line' && LINE_BREAK.test(text)) fail(field, 'must be a single line');
  return text;
}

export function optionalWrittenText(value: unknown, field: string, maxLength: number, lines: 'one line' | 'lines' = 'one line'): string | undefined {
  return value === undefined ? undefined : requireWrittenText(value, field, maxLength, lines);
}

export function requirePattern(value: unknown, pattern: RegExp, field: string, description: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) fail(field, `must be ${description}`, value);
  return value;
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Deliberately loose: the mail server is the real judge, this only catches obvious slips. */
export function requireEmail(value: unknown, field = 'email'): string {
  const email = requireWrittenText(value, field, 254);
  if (!emailPattern.test(email)) fail(field, 'must be an e-mail address', value);
  return email;
}

export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    fail(field, `must be one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

export function requireIntegerInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function requireDistinct(values: readonly string[], field: string): void {
  if (new Set(values).size !== values.length) fail(field, 'must not contain duplicates', values);
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})/;
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `Date.parse` rolls 2025-02-30 over into March, so the calendar date is checked by hand. */
export function isRealCalendarDate(value: string): boolean {
  const match = datePattern.exec(value);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  return day <= daysInMonth;
}

/**
 * Parses an ISO-8601 instant with an explicit offset into epoch milliseconds. Times are
 * compared as numbers, never as strings, because `...T10:00:00Z` and `...T10:00:00.000Z` name
 * the same instant but do not sort the same.
 */
export function requireInstant(value: unknown, field: string): number {
  if (typeof value !== 'string' || !instantPattern.test(value) || !isRealCalendarDate(value)) {
    fail(field, 'must be an ISO-8601 instant with an offset', value);
  }
  const epochMs = Date.parse(value);
  if (Number.isNaN(epochMs)) fail(field, 'must be an ISO-8601 instant with an offset', value);
  return epochMs;
}

/** A calendar day, `2026-02-28`: a real one, never rolled over into the next month. */
export function requireCalendarDay(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !isRealCalendarDate(value)) fail(field, 'must be a calendar day (YYYY-MM-DD)', value);
  return value;
}

/** A service date is a calendar day (`2025-06-01`) or an instant; both are stored as given. */
export function requireServiceDate(value: unknown, field = 'serviceDate'): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isRealCalendarDate(value)) return value;
  requireInstant(value, field);
  return value as string;
}

/**
 * Checks that a value is a list without narrowing its static type, which `Array.isArray`
 * would widen to `any[]`; commands typed as lists may still arrive as anything at run time.
 */
export function requireList(value: unknown, field: string, minLength = 0): void {
  if (!Array.isArray(value)) fail(field, 'must be a list', value);
  if (value.length < minLength) fail(field, `must have at least ${minLength} item(s)`);
}
