/**
 * Checks shared by both adapters. Collection and field names end up inside SQL text (table names,
 * `json_extract` paths and expression indexes must be literals for SQLite to match an index), so
 * they are restricted to a leading letter followed by letters, digits and underscores. That also
 * keeps them clear of the adapters' own names (`_id`, `_position`, `_deleted`, `_checkpoints`).
 */
import type { Position } from '@ledger/event-store';
import { InvalidReadRequestError } from './read-store.errors.js';
import { MAX_PAGE_SIZE, type ApplyBatch, type DocumentWrite, type FindQuery, type LeaseFence, type LeaseRequest } from './read-store.port.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const POSITION = /^[0-9a-f]{1,64}$/;

function refuse(reason: InvalidReadRequestError['reason'], message: string): never {
  throw new InvalidReadRequestError(reason, message);
}

export function assertCollection(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) refuse('INVALID_NAME', `Not a valid collection name: "${String(name)}" (a letter, then letters, digits or underscores; at most 64)`);
}

export function assertField(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) refuse('INVALID_NAME', `Not a valid field name: "${String(name)}" (a letter, then letters, digits or underscores; at most 64)`);
}

export function assertProjection(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) refuse('INVALID_NAME', 'A projection name is 1 to 200 characters');
}

export function assertPosition(position: Position): void {
  if (typeof position !== 'string' || !POSITION.test(position)) refuse('INVALID_POSITION', `Not a log position: "${String(position)}"`);
}

function assertWrite(write: DocumentWrite): void {
  assertCollection(write.collection);
  assertPosition(write.position);
  if (typeof write.key !== 'string' || write.key.length === 0) refuse('INVALID_DOCUMENT', 'A document key is a non-empty string');
  if (write.doc === null) return;
  if (typeof write.doc !== 'object' || Array.isArray(write.doc)) refuse('INVALID_DOCUMENT', `The document "${write.key}" is not an object`);
  // Top-level names starting with `_` or `$` or containing dots would collide with Mongo's
  // operators, paths and this adapter's own fields, so neither store accepts them.
  for (const field of Object.keys(write.doc)) {
    if (/^[_$]|\./.test(field)) refuse('INVALID_DOCUMENT', `The document "${write.key}" has a reserved field name "${field}"`);
  }
}

export function assertBatch(projection: string, batch: ApplyBatch): void {
  assertProjection(projection);
  assertPosition(batch.checkpoint);
  batch.writes.forEach(assertWrite);
  if (batch.fence) assertFence(batch.fence);
}

function assertLeaseNames(names: { readonly lease: string; readonly owner: string }): void {
  for (const [field, value] of [['lease', names.lease], ['owner', names.owner]] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) refuse('INVALID_NAME', `A ${field} name is 1 to 200 characters`);
  }
}

export function assertFence(fence: LeaseFence): void {
  assertLeaseNames(fence);
  // 0 is the token of no grant (a fence taken before its lease): valid, and refused as LeaseLostError.
  if (!Number.isSafeInteger(fence.token) || fence.token < 0) refuse('INVALID_QUERY', 'A lease token is a non-negative integer');
}

export function assertLeaseRequest(request: LeaseRequest): void {
  assertLeaseNames(request);
  if (!Number.isSafeInteger(request.ttlMs) || request.ttlMs < 1) refuse('INVALID_QUERY', 'ttlMs is a positive integer');
}

export function assertQuery(query: FindQuery): void {
  Object.keys(query.where ?? {}).forEach(assertField);
  if (query.range) assertField(query.range.field);
  assertField(query.orderBy.field);
  if (query.orderBy.direction !== 'asc' && query.orderBy.direction !== 'desc') refuse('INVALID_QUERY', 'orderBy.direction is "asc" or "desc"');
  if (!Number.isInteger(query.first) || query.first < 1 || query.first > MAX_PAGE_SIZE) refuse('INVALID_QUERY', `first is an integer from 1 to ${MAX_PAGE_SIZE}`);
}

/**
 * Keeps, per document, the write with the newest position (the first one among equals). The
 * SQLite adapter would get the same result applying writes in order; Mongo's unordered bulk
 * writes would not, so both collapse first and behave identically.
 */
export function collapseWrites(writes: readonly DocumentWrite[]): DocumentWrite[] {
  const newest = new Map<string, DocumentWrite>();
  for (const write of writes) {
    const id = `${write.collection}\u0000${write.key}`;
    const seen = newest.get(id);
    if (!seen || write.position > seen.position) newest.set(id, write);
  }
  return [...newest.values()];
}
