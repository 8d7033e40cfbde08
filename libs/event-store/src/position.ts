/**
 * Positions in the global log are opaque strings whose plain string order is the log order.
 * Each adapter encodes its native position as fixed-width hexadecimal, so positions can be
 * stored as checkpoints anywhere (a SQL column, a Mongo field, a file) and compared without
 * knowing which adapter produced them.
 */
import { InvalidPositionError } from './event-store.errors.js';

export type Position = string & { readonly __brand: 'Position' };

const WIDTH = 16;

export function encodePosition(...parts: readonly bigint[]): Position {
  return parts.map((part) => {
    if (part < 0n) throw new RangeError(`A log position cannot be negative: ${part}`);
    return part.toString(16).padStart(WIDTH, '0');
  }).join('') as Position;
}

export function decodePosition(position: Position, partCount: number): bigint[] {
  if (typeof position !== 'string' || position.length !== WIDTH * partCount || !/^[0-9a-f]+$/.test(position)) {
    throw new InvalidPositionError(position);
  }
  const parts: bigint[] = [];
  for (let i = 0; i < partCount; i++) parts.push(BigInt(`0x${position.slice(i * WIDTH, (i + 1) * WIDTH)}`));
  return parts;
}

export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
