/**
 * Opaque page cursors: the last item's (orderBy value, key), base64url-encoded JSON, tagged with
 * the orderBy field and direction so a cursor from another query is refused, not misread.
 */
import { InvalidReadRequestError } from './read-store.errors.js';
import type { FindQuery } from './read-store.port.js';

export type SortValue = string | number | null;

export interface CursorPosition {
  readonly value: SortValue;
  readonly key: string;
}

function tag(query: FindQuery): string {
  return `${query.orderBy.field}:${query.orderBy.direction}`;
}

export function encodeCursor(query: FindQuery, value: unknown, key: string): string {
  // Values outside string/number (booleans, objects) are normalised so the cursor stays decodable.
  const sortValue: SortValue = typeof value === 'string' || typeof value === 'number' ? value : value === true ? 1 : value === false ? 0 : null;
  return Buffer.from(JSON.stringify([tag(query), sortValue, key])).toString('base64url');
}

function parsed(cursor: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) && value.length === 3 ? (value as unknown[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a cursor has the shape of one this store issues, whatever query it came from: lets the
 * API refuse a made-up cursor before it runs anything (a mutation's answer may page a list).
 */
export function isWellFormedCursor(cursor: string): boolean {
  const [cursorTag, value, key] = parsed(cursor) ?? [];
  return typeof cursorTag === 'string' && (value === null || typeof value === 'string' || typeof value === 'number') && typeof key === 'string';
}

export function decodeCursor(query: FindQuery): CursorPosition | undefined {
  if (query.after === undefined) return undefined;
  const fields = parsed(query.after);
  if (fields === undefined) throw new InvalidReadRequestError('INVALID_CURSOR', 'The cursor is not one this store issued');
  const [cursorTag, value, key] = fields;
  if (cursorTag !== tag(query)) throw new InvalidReadRequestError('INVALID_CURSOR', 'The cursor belongs to a query with another order');
  const valueOk = value === null || typeof value === 'string' || typeof value === 'number';
  if (!valueOk || typeof key !== 'string') throw new InvalidReadRequestError('INVALID_CURSOR', 'The cursor is not one this store issued');
  return { value, key };
}
