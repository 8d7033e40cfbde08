// Opaque positions: plain string order must equal numeric log order, across widths of numbers.
import { InvalidPositionError } from './event-store.errors.js';
import { comparePositions, decodePosition, encodePosition } from './position.js';

describe('positions', () => {
  it('orders as strings exactly as the numbers they encode', () => {
    const values = [0n, 1n, 9n, 10n, 255n, 256n, 2n ** 32n, 2n ** 53n + 1n, 2n ** 63n];
    const encoded = values.map((v) => encodePosition(v, 0n));
    expect([...encoded].sort()).toEqual(encoded);
    expect(comparePositions(encoded[1]!, encoded[2]!)).toBe(-1);
  });

  it('round-trips multi-part positions and refuses foreign strings', () => {
    expect(decodePosition(encodePosition(12n, 34n), 2)).toEqual([12n, 34n]);
    expect(() => decodePosition(encodePosition(1n), 2)).toThrow(InvalidPositionError);
    expect(() => decodePosition('zz' as never, 1)).toThrow(InvalidPositionError);
    expect(() => decodePosition(42 as never, 1)).toThrow(InvalidPositionError);
    expect(() => encodePosition(-1n)).toThrow(RangeError);
  });
});
