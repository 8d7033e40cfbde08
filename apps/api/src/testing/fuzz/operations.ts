/**
 * GraphQL requests generated from the schema (the committed SDL), as fast-check arbitraries:
 * one root field of Query or Mutation, its arguments inline or as variables (declared right or
 * wrong), a random selection of its answer's fields a few levels down, aliases and fragments now
 * and then; then the hostile shapes (exploding, cyclic, deep and wide documents), mangled query
 * texts and bodies that are not GraphQL at all.
 */
import fc from 'fast-check';
import { GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, getNamedType, isLeafType, isObjectType } from 'graphql';
import type { GraphQLArgument, GraphQLField, GraphQLInputType, GraphQLOutputType, GraphQLSchema } from 'graphql';
import { HOSTILE_REQUESTS, deepQuery, explodingFragments, fragmentCycle } from '../hostile-documents.js';
import { valueFor } from './input-values.js';
import type { FuzzPools } from './input-values.js';

export const FUZZ_ROLES = ['ADMIN', 'STAFF', 'AUDITOR', 'REPORTER'] as const;
export type FuzzRole = (typeof FUZZ_ROLES)[number] | 'NONE' | 'FORGED';

export interface FuzzRequest {
  /** What the request is, for a failure message: the root field, or the kind of hostile body. */
  readonly label: string;
  readonly role: FuzzRole;
  readonly contentType: string;
  readonly body: string;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** A JSON value written as a GraphQL literal of `type` (enum names bare, input fields by name). */
export function literal(value: unknown, type: GraphQLInputType | undefined): string {
  const named = type instanceof GraphQLNonNull ? type.ofType : type;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, named instanceof GraphQLList ? named.ofType : undefined)).join(', ')}]`;
  if (named instanceof GraphQLList) return literal(value, named.ofType);
  if (typeof value === 'object') {
    const fields = named instanceof GraphQLInputObjectType ? named.getFields() : {};
    const entries = Object.entries(value).filter(([key]) => NAME.test(key));
    return `{ ${entries.map(([key, item]) => `${key}: ${literal(item, fields[key]?.type)}`).join(', ')} }`;
  }
  if (typeof value === 'string') return named instanceof GraphQLEnumType && NAME.test(value) ? value : JSON.stringify(value);
  // Numbers and booleans: JSON writes them as GraphQL does.
  return JSON.stringify(value);
}

interface Arguments {
  readonly text: string;
  readonly definitions: string[];
  readonly variables: Record<string, unknown>;
}

/** Each argument omitted, inline, or a variable declared with its type (or, now and then, a wrong one). */
function argumentsFor(args: readonly GraphQLArgument[], pools: FuzzPools, prefix: string, allowVariables: boolean, typed: boolean): fc.Arbitrary<Arguments> {
  const each = args.map((arg, index) => {
    const required = arg.type instanceof GraphQLNonNull;
    const modes = [
      ...(required && typed ? [] : [{ arbitrary: fc.constant('omit' as const), weight: required ? 1 : 8 }]),
      { arbitrary: fc.constant('inline' as const), weight: 10 },
      ...(allowVariables ? [{ arbitrary: fc.constant('variable' as const), weight: 10 }] : []),
    ];
    const right = fc.constant(String(arg.type));
    const declared = typed ? right : fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: fc.constantFrom('String', 'Int!', 'ID', '[ID!]'), weight: 1 });
    return fc.tuple(fc.oneof(...modes), valueFor(arg.type, arg.name, pools, typed), declared).map(([mode, value, type]) => ({ arg, index, mode, value, type }));
  });
  return fc.tuple(...each).map((chosen) => {
    const parts: string[] = [];
    const definitions: string[] = [];
    const variables: Record<string, unknown> = {};
    for (const { arg, index, mode, value, type } of chosen) {
      if (mode === 'omit' || (mode === 'inline' && value === undefined)) continue;
      if (mode === 'inline') parts.push(`${arg.name}: ${literal(value, arg.type)}`);
      else {
        const name = `${prefix}${index}`;
        parts.push(`${arg.name}: $${name}`);
        definitions.push(`$${name}: ${type}`);
        if (value !== undefined) variables[name] = value;
      }
    }
    return { text: parts.length > 0 ? `(${parts.join(', ')})` : '', definitions, variables };
  });
}

/** A selection of an answer's fields, `depth` levels at most; leaves take none (unless untyped, now and then). */
function selectionOf(type: GraphQLOutputType, pools: FuzzPools, depth: number, typed: boolean): fc.Arbitrary<string> {
  const named = getNamedType(type);
  if (isLeafType(named)) return typed ? fc.constant('') : fc.oneof({ arbitrary: fc.constant(''), weight: 10 }, { arbitrary: fc.constant('{ x }'), weight: 1 });
  if (!isObjectType(named)) return fc.constant('{ __typename }');
  const fields = Object.values(named.getFields()).filter((field) => depth > 0 || isLeafType(getNamedType(field.type)));
  if (fields.length === 0) return fc.constant('{ __typename }');
  return fc.subarray(fields, { minLength: 1, maxLength: Math.min(4, fields.length) }).chain((chosen) =>
    fc.tuple(...chosen.map((field) => fieldSelection(field, pools, depth - 1, typed)), fc.boolean()).map((parts) => {
      const wrapped = parts.pop() as boolean;
      const inner = (parts as string[]).join(' ');
      return wrapped ? `{ ... on ${named.name} { ${inner} } }` : `{ ${inner} }`;
    }),
  );
}

function fieldSelection(field: GraphQLField<unknown, unknown>, pools: FuzzPools, depth: number, typed: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(argumentsFor(field.args, pools, 'n', false, typed), selectionOf(field.type, pools, depth, typed), fc.boolean())
    .map(([args, selection, aliased]) => `${aliased ? `${field.name}Alias: ` : ''}${field.name}${args.text} ${selection}`);
}

/**
 * One operation on one root field of the schema: typed (every value fits its type, so the
 * request reaches the resolvers and the ledger's own rules) two times in three, untyped otherwise.
 */
function operationArbitrary(schema: GraphQLSchema, pools: FuzzPools): fc.Arbitrary<{ label: string; body: object }> {
  const rootTypes = { query: schema.getQueryType(), mutation: schema.getMutationType() };
  const roots = (['query', 'mutation'] as const).flatMap((kind) => Object.values(rootTypes[kind]?.getFields() ?? {}).map((field) => ({ kind, field })));
  const typed = fc.oneof({ arbitrary: fc.constant(true), weight: 2 }, { arbitrary: fc.constant(false), weight: 1 });
  return fc.tuple(fc.constantFrom(...roots), typed).chain(([{ kind, field }, strict]) =>
    fc.tuple(argumentsFor(field.args, pools, 'v', true, strict), selectionOf(field.type, pools, 3, strict)).map(([args, selection]) => {
      const definitions = args.definitions.length > 0 ? `(${args.definitions.join(', ')})` : '';
      const query = `${kind} Fuzz${definitions} { ${field.name}${args.text} ${selection} }`;
      return { label: `${kind} ${field.name}`, body: { query, variables: args.variables } };
    }),
  );
}

const hostileBodies: fc.Arbitrary<{ label: string; body: object }> = fc.oneof(
  fc.constantFrom(...HOSTILE_REQUESTS.map((request) => ({ label: `hostile: ${request.name}`, body: request.body }))),
  fc.integer({ min: 1, max: 40 }).map((n) => ({ label: `exploding fragments, n = ${n}`, body: { query: explodingFragments(n) } })),
  fc.integer({ min: 1, max: 90 }).map((n) => ({ label: `fragment cycle of ${n}`, body: { query: fragmentCycle(n) } })),
  fc.integer({ min: 1, max: 300 }).map((n) => ({ label: `nesting ${n} deep`, body: { query: deepQuery(n) } })),
);

/** A generated query text, cut, doubled or salted: what a broken client or a probe sends. */
function mangled(schema: GraphQLSchema, pools: FuzzPools): fc.Arbitrary<{ label: string; body: object }> {
  return fc
    .tuple(operationArbitrary(schema, pools), fc.nat(), fc.constantFrom('{', '}', '(', '"', '$', '...', '#', '\u0000', '@skip', 'fragment'))
    .map(([operation, at, salt]) => {
      const query = (operation.body as { query: string }).query;
      const cut = at % (query.length + 1);
      return { label: `mangled ${operation.label}`, body: { ...operation.body, query: `${query.slice(0, cut)}${salt}${query.slice(cut)}` } };
    });
}

const rawBodies: fc.Arbitrary<{ label: string; contentType: string; body: string }> = fc
  .tuple(
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 60 }),
      fc.constantFrom(
        '',
        '{"query":',
        '{"query":null}',
        '{"query":"{ paymentSettings { currency } }","variables":"x"}',
        '{"query":"{ paymentSettings { currency } }","operationName":5}',
        '{"query":"query A { paymentSettings { currency } } query B { paymentSettings { currency } }"}',
        '{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}',
      ),
    ),
    fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/graphql'),
  )
  .map(([body, contentType]) => ({ label: 'raw body', contentType, body }));

/** Requests in the proportions a probe would send them: mostly well-formed, a quarter hostile. */
export function fuzzRequests(schema: GraphQLSchema, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const role = fc.oneof(
    { arbitrary: fc.constantFrom<FuzzRole>(...FUZZ_ROLES), weight: 30 },
    { arbitrary: fc.constantFrom<FuzzRole>('NONE', 'FORGED'), weight: 1 },
  );
  const json = (pick: fc.Arbitrary<{ label: string; body: object }>) =>
    pick.map(({ label, body }) => ({ label, contentType: 'application/json', body: JSON.stringify(body) }));
  const shaped = fc.oneof(
    { arbitrary: json(operationArbitrary(schema, pools)), weight: 75 },
    { arbitrary: json(mangled(schema, pools)), weight: 8 },
    { arbitrary: json(hostileBodies), weight: 10 },
    { arbitrary: rawBodies, weight: 7 },
  );
  return fc.tuple(role, shaped).map(([who, request]) => ({ ...request, role: who }));
}
