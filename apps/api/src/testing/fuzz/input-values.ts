/**
 * Values for GraphQL inputs, by type, as fast-check arbitraries: mostly values a client could
 * mean (ids that exist, in this tenant and another, card tokens, real dates, amounts around the
 * balances), mixed with what a careless or hostile client sends (the wrong type, null where a
 * value is required, numbers past every limit, text that hides itself, fields nobody declared).
 */
import fc from 'fast-check';
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType } from 'graphql';
import type { GraphQLInputType } from 'graphql';

export const ID_KINDS = ['customer', 'card', 'booking', 'payment', 'link', 'cardRequest'] as const;
export type IdKind = (typeof ID_KINDS)[number];

/** What the fuzzer knows of the world: ids it seeded in the caller's tenant by kind, and ids of another tenant. */
export interface FuzzPools {
  readonly mine: Readonly<Record<IdKind, readonly string[]>>;
  readonly foreign: readonly string[];
}

/** An id for a field: mostly one of the caller's of the kind the name says, sometimes any, another tenant's or none. */
function idFor(field: string, pools: FuzzPools): fc.Arbitrary<string> {
  const kind = ID_KINDS.find((candidate) => field.toLowerCase().startsWith(candidate.toLowerCase()));
  const all = ID_KINDS.flatMap((candidate) => pools.mine[candidate]);
  const mine = kind && pools.mine[kind].length > 0 ? pools.mine[kind] : all;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...mine), weight: 12 },
    { arbitrary: fc.constantFrom(...all), weight: 2 },
    { arbitrary: fc.constantFrom(...pools.foreign), weight: 2 },
    { arbitrary: fc.oneof(fc.uuid(), fc.constantFrom('no-such-id', '')), weight: 1 },
  );
}

/** Text that is odd but legal JSON: controls, bidirectional overrides, lone surrogates, emoji, long runs. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u202eb',
    '\u2066x\u2069',
    '\ud800',
    '\udc00z',
    'é\u0301',
    '🧽🧼',
    'Z̤͔ͧ̑̓',
    '\r\n',
    '\t',
    ' ',
    '',
    '%s%n',
    "'; DROP TABLE x; --",
    '<script>1</script>',
    '{{7*7}}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('x'.repeat(501), 'y'.repeat(5_000), 'z'.repeat(12_000)),
);

const dates = fc.oneof(
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom('2026-02-30', '2026-13-01', '0000-00-00', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00', 'tomorrow', '9999-12-31'),
);

const emails = fc.oneof(fc.emailAddress(), fc.constantFrom('not-an-email', 'a@b', '@example.com', 'ada@example.com\u0000', 'x'.repeat(300) + '@e.co'));

const tokens = fc.constantFrom(
  'pm_card_visa',
  'pm_card_mastercard',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
  'pm_made_up',
  'tok_visa',
  '4242424242424242',
  '4242 4242 4242 4242',
);

/** Integers the type accepts, often where the ledger's own limits lie. */
/** Integers the type accepts, often where the ledger's own limits lie. */
const safeInts = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 20_000 }), weight: 6 },
  { arbitrary: fc.constantFrom(0, -1, 1, 999_999_999_999, 1_000_000_000_000, 1_000_000_000_001, 2 ** 31, 2 ** 53 - 1, -(2 ** 53) + 1), weight: 2 },
);
const ints = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 6 },
  { arbitrary: fc.constantFrom(0, -5, 101, 1_000, 2 ** 31 - 1, -(2 ** 31)), weight: 2 },
);
/** What a client sends in an integer's place by mistake. */
const notIntegers = fc.constantFrom(1.5, 2 ** 53, 1e300, '100', 'abc', true, null, [], {});

/** A string for a field, guided by its name where the name says what it holds. */
function stringFor(field: string, pools: FuzzPools): fc.Arbitrary<unknown> {
  const ids = idFor(field, pools);
  const byName: [RegExp, fc.Arbitrary<unknown>][] = [
    [/idempotencyKey/i, fc.oneof(fc.uuid(), fc.constant('fixed-key'), fc.constant(''))],
    [/email/i, emails],
    [/token/i, tokens],
    [/date|asOf|^from$|^to$/i, dates],
    [/currency/i, fc.constantFrom('CAD', 'USD', 'cad', 'XXX', 'EURO', '')],
    [/url/i, fc.constantFrom('http://localhost/return', 'javascript:alert(1)', 'ftp://x', 'not a url')],
    [/position|after|cursor/i, fc.oneof(fc.constantFrom('0000000000000001', 'zz', '', 'ffffffffffffffff'), fc.base64String({ maxLength: 40 }))],
    [
      /stream/i,
      fc.oneof(
        ids.map((id) => `booking-${String(id)}`),
        fc.constantFrom('$all', '$et-ApiKeyCreated', 'tenant-other', ''),
      ),
    ],
    [/(^id$|Id$)/, ids],
  ];
  const guided = byName.find(([pattern]) => pattern.test(field))?.[1];
  const plain = fc.oneof(fc.constantFrom('Ada', 'Deep clean', 'front desk', 'ref 42'), fc.string({ maxLength: 30 }));
  return fc.oneof({ arbitrary: guided ?? plain, weight: 12 }, { arbitrary: oddText, weight: 1 }, { arbitrary: ids, weight: 1 });
}

/** A scalar of the type; `typed` keeps to values the type accepts, otherwise type errors come too. */
function scalarFor(type: GraphQLScalarType, field: string, pools: FuzzPools, typed: boolean): fc.Arbitrary<unknown> {
  const or = (right: fc.Arbitrary<unknown>, wrong: fc.Arbitrary<unknown>) =>
    typed ? right : fc.oneof({ arbitrary: right, weight: 4 }, { arbitrary: wrong, weight: 1 });
  switch (type.name) {
    case 'SafeInt':
      return or(safeInts, notIntegers);
    case 'Int':
      return or(ints, notIntegers);
    case 'Float':
      return or(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('1.0'));
    case 'Boolean':
      return or(fc.boolean(), fc.constantFrom('true', 1, null));
    default:
      return or(stringFor(field, pools), fc.constantFrom(1, true, [], {}));
  }
}

/**
 * A JSON value for a variable or argument of `type`; `field` is the argument or input field's
 * name. `typed` values fit the type (they may still name nothing, or break a business rule);
 * otherwise a required value goes missing now and then, or something of another type comes.
 */
export function valueFor(type: GraphQLInputType, field: string, pools: FuzzPools, typed: boolean, depth = 0): fc.Arbitrary<unknown> {
  const value = (() => {
    if (type instanceof GraphQLNonNull) return valueFor(type.ofType, field, pools, typed, depth);
    if (type instanceof GraphQLList) return fc.array(valueFor(type.ofType, field, pools, typed, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
    if (type instanceof GraphQLEnumType) {
      const values = fc.constantFrom(...type.getValues().map((v) => v.name));
      return typed ? values : fc.oneof({ arbitrary: values, weight: 9 }, { arbitrary: fc.constant('NOT_A_VALUE'), weight: 1 });
    }
    if (type instanceof GraphQLInputObjectType) return inputObjectFor(type, pools, typed, depth);
    return scalarFor(type, field, pools, typed);
  })();
  if (typed) return type instanceof GraphQLNonNull ? value : fc.oneof({ arbitrary: value, weight: 8 }, { arbitrary: fc.constant(null), weight: 1 });
  const missing = type instanceof GraphQLNonNull ? fc.constantFrom(null, undefined) : fc.constant(null);
  return fc.oneof({ arbitrary: value, weight: 12 }, { arbitrary: missing, weight: 1 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 });
}

/** An input object: required fields present (mostly, when untyped), optional ones sometimes, now and then a field nobody declared. */
function inputObjectFor(type: GraphQLInputObjectType, pools: FuzzPools, typed: boolean, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.getFields());
  const entries = fields.map((field) => {
    const required = field.type instanceof GraphQLNonNull;
    const present =
      required && typed
        ? fc.constant(true)
        : fc.oneof({ arbitrary: fc.constant(true), weight: required ? 12 : 1 }, { arbitrary: fc.constant(false), weight: 1 });
    return fc
      .tuple(present, valueFor(field.type, field.name, pools, typed, depth + 1))
      .map(([keep, value]) => (keep && value !== undefined ? [[field.name, value] as const] : []));
  });
  const extra = typed
    ? fc.constant(null)
    : fc.option(fc.tuple(fc.constantFrom('unknownField', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 })), { freq: 4 });
  return fc.tuple(fc.tuple(...entries), extra).map(([pairs, more]) => {
    const object: Record<string, unknown> = {};
    for (const [name, value] of pairs.flat()) object[name] = value;
    if (more) Object.defineProperty(object, more[0], { value: more[1], enumerable: true });
    return object;
  });
}
