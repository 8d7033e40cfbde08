/**
 * Reads an event's data defensively for the dashboard projections. Stored events are untyped at
 * this boundary (an old build, an upcaster bug or a hand-edited log can hand us anything), and a
 * read model that guessed a missing amount would show a wrong balance, so every problem throws a
 * MalformedEventError naming the event's position and the runtime stops there.
 */
import type { Money } from '@ledger/domain';
import { type Doc, type DocumentChange, type DocumentSet, MalformedEventError, type ProjectedEvent, type Projection, alreadyApplied } from './projection.js';

export type Fields = ReturnType<typeof fieldsOf>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fieldsOf(event: ProjectedEvent) {
  const fail = (problem: string): never => {
    throw new MalformedEventError(event.type, event.position, problem);
  };
  const data = isRecord(event.data) ? event.data : fail('data is not an object');

  const moneyAt = (value: unknown, field: string): Money => {
    if (!isRecord(value)) return fail(`${field} is missing`);
    const { amountMinor, currency } = value;
    // Negative or fractional minor units never come from a decider; they mean a corrupt log.
    if (typeof amountMinor !== 'number' || !Number.isSafeInteger(amountMinor) || amountMinor < 0) {
      return fail(`${field}.amountMinor is not a non-negative safe integer`);
    }
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return fail(`${field}.currency is not ISO-4217`);
    return { amountMinor: amountMinor === 0 ? 0 : amountMinor, currency };
  };

  const text = (field: string): string => {
    const value = data[field];
    return typeof value === 'string' && value.trim() !== '' ? value : fail(`${field} is missing`);
  };

  const optionalText = (field: string): string | null => {
    const value = data[field];
    if (value === undefined || value === null) return null;
    return typeof value === 'string' ? value : fail(`${field} is not text`);
  };

  const integer = (value: unknown, field: string): number =>
    typeof value === 'number' && Number.isSafeInteger(value) ? value : fail(`${field} is not an integer`);

  return {
    data,
    fail,
    text,
    optionalText,
    integer,
    money: (field: string): Money => moneyAt(data[field], field),
    moneyAt,
    /** A field that must be one of a fixed set of words, so the document never holds a stray value. */
    oneOf: <T extends string>(field: string, allowed: readonly T[]): T => {
      const value = data[field];
      return allowed.includes(value as T) ? (value as T) : fail(`${field} is not one of ${allowed.join(', ')}`);
    },
    list: (field: string): readonly unknown[] => {
      const value = data[field];
      return Array.isArray(value) ? (value as readonly unknown[]) : fail(`${field} is not a list`);
    },
    record: (value: unknown, field: string): Record<string, unknown> =>
      isRecord(value) ? value : fail(`${field} is not an object`),
  };
}

/** Amounts inside one document share its currency; a mixed sum would be meaningless. */
export function requireCurrency(fields: Fields, amount: Money, currency: string, field: string): Money {
  return amount.currency === currency ? amount : fields.fail(`${field} is in ${amount.currency}, expected ${currency}`);
}

/** The bookkeeping every document carries: which tenant, which event last changed it, and when. */
export function stamp<T extends Doc>(doc: T, event: ProjectedEvent): T {
  return { ...doc, tenant: event.tenant, position: event.position, updatedAt: event.occurredAt };
}

/** What a projection keeping one document per aggregate needs to say about itself. */
export interface OneDocumentSpec<D extends Doc> {
  readonly name: string;
  readonly version: number;
  readonly collection: string;
  readonly eventTypes: readonly string[];
  /** The event field holding the document's key, e.g. `bookingId`. */
  readonly keyField: string;
  readonly evolve: (doc: D | null, fields: Fields, event: ProjectedEvent) => D;
}

/**
 * A projection with one document per aggregate, keyed by a field every event carries: the refs,
 * the apply-once guard and the stamp are the same for all of them, so they live here once.
 */
export function oneDocumentProjection<D extends Doc>(spec: OneDocumentSpec<D>): Projection {
  const { collection, keyField } = spec;
  return {
    name: spec.name,
    version: spec.version,
    collections: [collection],
    eventTypes: spec.eventTypes,
    refs: (event) => [{ collection, key: fieldsOf(event).text(keyField) }],
    evolve(docs: DocumentSet, event: ProjectedEvent): readonly DocumentChange[] {
      if (!spec.eventTypes.includes(event.type)) return [];
      const fields = fieldsOf(event);
      const key = fields.text(keyField);
      const doc = docs.get(collection, key) as D | null;
      if (alreadyApplied(doc, event)) return [];
      return [{ collection, key, doc: stamp(spec.evolve(doc, fields, event), event) }];
    },
  };
}
