/**
 * The one serialiser at the store boundary. Both adapters store exactly what `encode` produces,
 * so the hash chain and the exported log mean the same thing whichever store holds them.
 *
 * JSON cannot carry bigints or dates, so they are written as tagged objects (`{"$bigint":"12"}`,
 * `{"$date":"2026-01-01T00:00:00.000Z"}`) and restored on read. Reading is the hot path of
 * projections and audits: the reviver only runs when a tag occurs in the text at all.
 */
import { InvalidEventError } from './event-store.errors.js';
import { UpcasterRegistry } from './upcasters.js';

export const MAX_EVENT_BYTES = 1024 * 1024;

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Date) {
    if (Number.isNaN(original.getTime())) throw notSerialisable(key, 'an invalid date');
    return { $date: original.toISOString() };
  }
  switch (typeof value) {
    case 'bigint':
      return { $bigint: value.toString() };
    case 'function':
    case 'symbol':
      throw notSerialisable(key, `a ${typeof value}`);
    case 'number':
      if (!Number.isFinite(value)) throw notSerialisable(key, String(value));
      return value;
    case 'object':
      if (value instanceof Map || value instanceof Set) throw notSerialisable(key, 'a Map or Set');
      return value;
    default:
      return value;
  }
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const tagged = value as { $bigint?: unknown; $date?: unknown };
  if (typeof tagged.$bigint === 'string' && /^-?\d+$/.test(tagged.$bigint)) return BigInt(tagged.$bigint);
  if (typeof tagged.$date === 'string') return new Date(tagged.$date);
  return value;
}

function notSerialisable(key: string, what: string): InvalidEventError {
  const where = key === '' ? 'the value' : `field "${key}"`;
  return new InvalidEventError('NOT_SERIALISABLE', `Event data is not JSON-serialisable: ${where} is ${what}`);
}

/**
 * True when plain JSON.stringify would write `value` faithfully: only strings, finite numbers,
 * booleans, null, arrays and plain objects. Walking in JavaScript is several times cheaper than
 * a replacer, which V8 calls back for every key; anything unusual takes the replacer path, which
 * tags what it can and refuses the rest.
 */
function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth > 32) return false;
      if (Array.isArray(value)) return value.every((item) => item !== undefined && isPlainJson(item, depth + 1));
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined && !isPlainJson(item, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

export function encodeJson(value: unknown): string {
  if (value === undefined) throw notSerialisable('', 'undefined');
  if (isPlainJson(value)) return JSON.stringify(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value, replacer);
  } catch (error) {
    if (error instanceof InvalidEventError) throw error;
    throw new InvalidEventError('NOT_SERIALISABLE', `Event data is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (text === undefined) throw notSerialisable('', typeof value);
  return text;
}

const TAGGED = /"\$(?:bigint|date)"/;

export function decodeJson(text: string): unknown {
  return TAGGED.test(text) ? JSON.parse(text, reviver) : JSON.parse(text);
}

export class EventSerde {
  constructor(
    readonly upcasters: UpcasterRegistry = new UpcasterRegistry(),
    readonly maxEventBytes: number = MAX_EVENT_BYTES,
  ) {}

  encode(value: unknown): string {
    return encodeJson(value);
  }

  decode(text: string): unknown {
    return decodeJson(text);
  }
}
