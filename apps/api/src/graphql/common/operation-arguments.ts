/**
 * What must hold of a request's values before any resolver runs, because resolvers run in
 * order and a mutation's answer is resolved after the mutation: a bad page argument deep in the
 * answer's selection would otherwise fail the answer of a mutation that already happened, and a
 * client seeing only the error would send it again. So the whole operation is checked first:
 *
 * - variables are coerced to the types the operation declares (400 BAD_USER_INPUT naming each);
 * - every string, literal or variable, is within a length ceiling and is text (no unpaired
 *   surrogates: validators downstream throw on them rather than refuse them);
 * - every connection's `first` and `after` below the root fields (a customer's bookings, say) is
 *   a page size the API serves and a cursor of the shape the read models issue. Root fields
 *   check their own arguments when they run, before anything is recorded.
 */
import { GraphQLError, Kind, TypeInfo, getArgumentValues, getNamedType, getVariableValues, visit, visitWithTypeInfo } from 'graphql';
import type { ASTVisitor, DocumentNode, GraphQLSchema, OperationDefinitionNode, StringValueNode, ValidationRule } from 'graphql';
import { isWellFormedCursor } from '@ledger/read-store';
import { MAX_PAGE_SIZE } from './pagination.js';

/** Characters in any one string value; every field has its own, smaller limit, checked with its name. */
export const MAX_STRING_LENGTH = 10_000;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function refused(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'VALIDATION_FAILED', details, http: { status: 400 } } });
}

/** Why a string may not enter, if it may not. */
function stringProblem(value: string): string | undefined {
  if (value.length > MAX_STRING_LENGTH) return `is ${value.length} characters long, above the limit of ${MAX_STRING_LENGTH}`;
  return UNPAIRED_SURROGATE.test(value) ? 'holds half of a surrogate pair, which is not text' : undefined;
}

/** Literal strings in the document, refused while it is validated. */
export const maxStringLength: ValidationRule = (context): ASTVisitor => ({
  StringValue(node: StringValueNode) {
    const problem = stringProblem(node.value);
    if (problem) context.reportError(refused(`A string in the query ${problem}`, { maxStringLength: MAX_STRING_LENGTH }));
  },
});

/** The first string anywhere in the variables that may not enter, by its path (`$input.description`). */
function badStringIn(value: unknown, path: string): { path: string; problem: string } | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value);
    return problem ? { path, problem } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = badStringIn(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function badVariables(messages: string[]): GraphQLError {
  return new GraphQLError(messages.join(' '), { extensions: { code: 'BAD_USER_INPUT', details: { variables: messages }, http: { status: 400 } } });
}

/** The request's variables as the operation declares them, or a 400 naming each one at fault. */
export function checkedVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, given: unknown): Record<string, unknown> {
  if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given))) throw badVariables(['"variables" must be a JSON object']);
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], (given ?? {}) as Record<string, unknown>, { maxErrors: 10 });
  if (result.errors) throw badVariables(result.errors.map((error) => error.message));
  const bad = badStringIn(result.coerced, '$');
  if (bad) throw refused(`The variable ${bad.path.replace('$.', '$')} ${bad.problem}`, { maxStringLength: MAX_STRING_LENGTH });
  return result.coerced;
}

/** The page arguments of every connection below the root fields, with the request's variables. */
export function checkPageArguments(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): void {
  const typeInfo = new TypeInfo(schema);
  const roots = new Set([schema.getQueryType(), schema.getMutationType()]);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const field = typeInfo.getFieldDef();
        if (!field || roots.has(typeInfo.getParentType() as never) || !getNamedType(field.type).name.endsWith('Connection')) return;
        const { first, after } = getArgumentValues(field, node, variables) as { first?: unknown; after?: unknown };
        const at = `${typeInfo.getParentType()?.name ?? ''}.${field.name}`;
        if (typeof first === 'number' && (first < 1 || first > MAX_PAGE_SIZE))
          throw refused(`${at}(first:) must be from 1 to ${MAX_PAGE_SIZE}`, { field: `${at}.first` });
        if (typeof after === 'string' && !isWellFormedCursor(after)) throw refused(`${at}(after:) is not a cursor this API issued`, { field: `${at}.after` });
      },
    }),
  );
}
