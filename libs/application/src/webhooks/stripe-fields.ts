/**
 * Typed reads of a verified Stripe event body. A valid signature proves who sent the body, not
 * its shape: anyone holding a signing secret (a test secret above all) signs whatever they like,
 * and objects are rendered in each account's API version. So every field the translation uses is
 * read here with the type Stripe documents for it, and the first one that does not have it stops
 * the translation with a MalformedStripeEvent naming the field, never its value, so the reason
 * that ends up in the answer and the log stays one short line.
 *
 * Stripe marks optional fields "nullable": optional reads take absent and null alike; a present
 * value of the wrong type is malformed all the same, since guessing what it meant could record
 * money the processor never moved.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

/**
 * A Stripe id, enum value or event type: one word of at most 255 characters. Ids become
 * idempotency keys (at most 255 characters) and parts of stream names, and these values are
 * quoted in log lines and answers, where a space or a line break would let a sender forge text.
 */
const STRIPE_WORD = /^[^\s\p{Cc}]{1,255}$/u;

/** The latest instant Stripe's Unix timestamps can name here: the end of year 9999, in seconds. */
const LATEST_TIMESTAMP_S = 253_402_300_799;

export function isStripeWord(value: unknown): value is string {
  return typeof value === 'string' && STRIPE_WORD.test(value);
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field of the event that is missing or not of the type Stripe documents for it. */
export class MalformedStripeEvent extends Error {
  override readonly name = 'MalformedStripeEvent';

  constructor(field: string, value: unknown, expected: string) {
    super(value === undefined || value === null ? `${field} is missing` : `${field} is not ${expected}`);
  }
}

/** One object of the event body, with the path that names it in reasons (`data.object.amount`). */
export class StripeFields {
  private constructor(
    private readonly fields: JsonObject,
    readonly path: string,
  ) {}

  static of(value: unknown, path: string): StripeFields {
    if (!isJsonObject(value)) throw new MalformedStripeEvent(path, value, 'an object');
    return new StripeFields(value, path);
  }

  object(key: string): StripeFields {
    return StripeFields.of(this.fields[key], this.at(key));
  }

  optionalObject(key: string): StripeFields | undefined {
    return this.isAbsent(key) ? undefined : this.object(key);
  }

  /** The items of a list that must be there, each an object. */
  objects(key: string): StripeFields[] {
    const value = this.fields[key];
    if (!Array.isArray(value)) throw new MalformedStripeEvent(this.at(key), value, 'a list');
    return value.map((item: unknown, index) => StripeFields.of(item, `${this.at(key)}.${index}`));
  }

  id(key = 'id'): string {
    return this.read(key, isStripeWord, 'a Stripe id');
  }

  /** An enum value such as a status, a reason or an error code. */
  code(key: string): string {
    return this.read(key, isStripeWord, 'a Stripe code');
  }

  optionalCode(key: string): string | undefined {
    return this.isAbsent(key) ? undefined : this.code(key);
  }

  optionalText(key: string): string | undefined {
    return this.isAbsent(key) ? undefined : this.read(key, (value) => typeof value === 'string', 'a string');
  }

  boolean(key: string): boolean {
    return this.read(key, (value) => typeof value === 'boolean', 'true or false');
  }

  /** Minor units, as Stripe counts every amount: a whole number, never negative. */
  amountMinor(key: string): number {
    return this.read(key, (value) => Number.isSafeInteger(value) && (value as number) >= 0, 'an amount in minor units');
  }

  /** The three-letter ISO code, in the lower case Stripe writes it. */
  currency(key: string): string {
    return this.read(key, (value) => typeof value === 'string' && /^[a-z]{3}$/i.test(value), 'a currency code');
  }

  /** Seconds since the Unix epoch, as Stripe dates everything. */
  timestamp(key: string): number {
    const isTimestamp = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= LATEST_TIMESTAMP_S;
    return this.read(key, isTimestamp, 'a Unix timestamp');
  }

  optionalTimestamp(key: string): number | undefined {
    return this.isAbsent(key) ? undefined : this.timestamp(key);
  }

  /** An expandable reference (`payment_intent`): its id, whether Stripe sent the id or the object. */
  optionalReference(key: string): string | undefined {
    if (this.isAbsent(key)) return undefined;
    return isJsonObject(this.fields[key]) ? this.object(key).id() : this.id(key);
  }

  /** An expandable object (`latest_charge`) when Stripe sent it; undefined when it sent only the id. */
  optionalExpansion(key: string): StripeFields | undefined {
    if (this.isAbsent(key)) return undefined;
    if (isJsonObject(this.fields[key])) return this.object(key);
    this.id(key);
    return undefined;
  }

  private read<T>(key: string, accepts: (value: unknown) => boolean, expected: string): T {
    const value = this.fields[key];
    if (!accepts(value)) throw new MalformedStripeEvent(this.at(key), value, expected);
    return value as T;
  }

  private isAbsent(key: string): boolean {
    return this.fields[key] === undefined || this.fields[key] === null;
  }

  private at(key: string): string {
    return `${this.path}.${key}`;
  }
}
