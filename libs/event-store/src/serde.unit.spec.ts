// The store-boundary serde: what survives a round trip, what is refused, and that plain JSON
// stays plain (the fast path projections rely on).
import { InvalidEventError } from './event-store.errors.js';
import { decodeJson, encodeJson } from './serde.js';

describe('serde', () => {
  it('round-trips bigints beyond 2^53 and dates exactly', () => {
    const value = { amountMinor: 2n ** 64n + 1n, negative: -5n, at: new Date('2026-01-02T03:04:05.678Z'), list: [1n, new Date(0)] };
    expect(decodeJson(encodeJson(value))).toEqual(value);
  });

  it('writes tagged objects for bigints and dates, and plain JSON otherwise', () => {
    expect(encodeJson({ a: 1n, d: new Date(0) })).toBe('{"a":{"$bigint":"1"},"d":{"$date":"1970-01-01T00:00:00.000Z"}}');
    expect(encodeJson({ a: 1, s: 'x', n: null })).toBe('{"a":1,"s":"x","n":null}');
  });

  it('leaves look-alike objects that are not exactly a tag untouched', () => {
    const value = { a: { $bigint: 'abc' }, b: { $date: '2026-01-01', other: 1 } };
    expect(decodeJson(encodeJson(value))).toEqual(value);
  });

  it.each([
    ['a function', { f: (): number => 1 }],
    ['a symbol', { s: Symbol('x') }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['an invalid date', { d: new Date('nope') }],
    ['a Map', { m: new Map() }],
    ['undefined', undefined],
  ])('refuses %s as NOT_SERIALISABLE', (_label, value) => {
    expect(() => encodeJson(value)).toThrow(InvalidEventError);
    try {
      encodeJson(value);
    } catch (error) {
      expect((error as InvalidEventError).reason).toBe('NOT_SERIALISABLE');
    }
  });

  it('encodes deterministically, so re-encoding decoded content reproduces the stored text', () => {
    const text = encodeJson({ z: 1, a: [{ y: 2n, b: new Date(5) }], u: 'ü' });
    expect(encodeJson(decodeJson(text))).toBe(text);
  });
});
