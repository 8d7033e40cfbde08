/**
 * GraphQL requests an attacker with a valid key would send to freeze or crash the server: each
 * small on the wire, and each refused while validating or resolving the operation, before any
 * resolver runs. The adversarial e2e suite, the fuzzer and `npm run bench:hostile` share them.
 */

export interface HostileRequest {
  readonly name: string;
  readonly body: { query: string; variables?: unknown; operationName?: string };
  /** The `extensions.code` of the first error the answer must carry. */
  readonly code: string;
}

/** `{ ...F0 }` with `Fi = { ...Fi+1 ...Fi+1 }`: n short lines that expand to 2^n fields. */
export function explodingFragments(n: number, type = 'PaymentSettings', leaf = 'currency'): string {
  const lines = Array.from({ length: n }, (_, i) => `fragment F${i} on ${type} { ...F${i + 1} ...F${i + 1} }`);
  return `{ paymentSettings { ...F0 } }\n${lines.join('\n')}\nfragment F${n} on ${type} { ${leaf} }`;
}

/** A cycle through `length` fragments, each also selecting a field. */
export function fragmentCycle(length: number): string {
  const lines = Array.from({ length }, (_, i) => `fragment C${i} on PaymentSettings { currency ...C${(i + 1) % length} }`);
  return `{ paymentSettings { ...C0 } }\n${lines.join('\n')}`;
}

/** `booking { customer { bookings { edges { node { customer ... } } } } }`, `levels` times over. */
export function deepQuery(levels: number): string {
  const open = 'customer { bookings { edges { node { '.repeat(levels);
  const close = ' } } } }'.repeat(levels);
  return `{ booking(id: "b") { ${open}id${close} } }`;
}

function aliases(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `a${i}: paymentSettings { currency }`).join(' ')} }`;
}

function directives(count: number): string {
  return `query { paymentSettings { currency ${'@include(if: true) '.repeat(count)} } }`;
}

function wideFields(count: number): string {
  return `{ paymentSettings { ${'currency '.repeat(count)}} }`;
}

function manyOperations(count: number): string {
  return Array.from({ length: count }, (_, i) => `query Q${i} { paymentSettings { currency } }`).join('\n');
}

/** Deep introspection: every level of `fields { type { fields ...` multiplies the answer. */
function introspectionBomb(levels: number): string {
  return `{ __schema { types { ${'fields { type { '.repeat(levels)}name${' } }'.repeat(levels)} } } }`;
}

export const HOSTILE_REQUESTS: readonly HostileRequest[] = [
  { name: 'exploding fragments, n = 30 (1.6 kB, 2^30 fields)', body: { query: explodingFragments(30) }, code: 'QUERY_TOO_COMPLEX' },
  { name: 'exploding fragments, n = 24', body: { query: explodingFragments(24) }, code: 'QUERY_TOO_COMPLEX' },
  { name: 'exploding fragments, n = 200 (past the token limit)', body: { query: explodingFragments(200) }, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'fragment spreading itself', body: { query: '{ paymentSettings { ...A } } fragment A on PaymentSettings { currency ...A }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'fragment cycle A -> B -> A',
    body: { query: '{ paymentSettings { ...A } } fragment A on PaymentSettings { currency ...B } fragment B on PaymentSettings { ...A }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'fragment cycle through 70 fragments', body: { query: fragmentCycle(70) }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'fields nested 13 deep', body: { query: deepQuery(3) }, code: 'QUERY_TOO_COMPLEX' },
  { name: 'nesting 400 levels (past the token limit)', body: { query: deepQuery(400) }, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'unbalanced nesting of 50,000 braces', body: { query: `{ ${'a { '.repeat(50_000)}` }, code: 'GRAPHQL_PARSE_FAILED' },
  { name: '100 aliases', body: { query: aliases(100) }, code: 'QUERY_TOO_COMPLEX' },
  { name: '40 directives on one field', body: { query: directives(40) }, code: 'QUERY_TOO_COMPLEX' },
  // graphql-js's own work budget for comparing fields stops this one ("Validation aborted.").
  { name: '990 copies of one field', body: { query: wideFields(990) }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: '1,500 copies of one field (past the token limit)', body: { query: wideFields(1_500) }, code: 'GRAPHQL_PARSE_FAILED' },
  { name: '600 operations in one document', body: { query: manyOperations(600), operationName: 'Q599' }, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'introspection nested 6 type lists deep', body: { query: introspectionBomb(6) }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a 200 kB string argument', body: { query: `{ booking(id: "${'x'.repeat(200_000)}") { id } }` }, code: 'VALIDATION_FAILED' },
  { name: 'a 200 kB variable', body: { query: 'query($id: ID!) { booking(id: $id) { id } }', variables: { id: 'x'.repeat(200_000) } }, code: 'VALIDATION_FAILED' },
  { name: 'variables that are a list', body: { query: 'query($id: ID!) { booking(id: $id) { id } }', variables: [1, 2] }, code: 'BAD_REQUEST' },
  { name: 'a long string deep in an input variable', body: { query: 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', variables: { i: { name: 'x'.repeat(20_000), email: 'a@b.co' } } }, code: 'VALIDATION_FAILED' },
  { name: 'a subscription', body: { query: 'subscription { x }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a query that is not a string', body: { query: { toString: 1 } as unknown as string }, code: 'BAD_REQUEST' },
];
