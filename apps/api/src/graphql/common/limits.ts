/**
 * Limits on what one request may ask, in two stages.
 *
 * While the document is validated, before its variables are known: tokens, depth, aliases,
 * directives and the size the document expands to (graphql-armor). Fragments are measured once
 * each, so a document whose fragments spread each other twice over (2^n fields from n lines), or
 * in a cycle, costs linear time to refuse instead of holding the event loop. graphql-js's own
 * rules run in the same pass: `NoFragmentCycles` names a cycle, `MaxIntrospectionDepthRule`
 * refuses introspection that nests type lists (armor leaves introspection alone, and its answer
 * grows exponentially with that nesting), and an operation type the schema lacks (subscriptions)
 * is refused here, not left to fail at execution.
 *
 * Once the operation is known: its variables are coerced, so a missing or mistyped variable is a
 * 400 `BAD_USER_INPUT` naming it; page arguments anywhere in the operation are checked
 * (operation-arguments.ts); and the cost is computed with the variables' values
 * (graphql-query-complexity), so `first: $n` costs what it fetches. One operation per request:
 * Apollo's batching stays off.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, MaxIntrospectionDepthRule, getNamedType, typeFromAST } from 'graphql';
import type { ASTVisitor, DocumentNode, GraphQLSchema, OperationDefinitionNode, ValidationContext, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_STRING_LENGTH, checkPageArguments, checkedVariables, maxStringLength } from './operation-arguments.js';

/** Every limit in one place; the README's security section lists the same numbers. */
export const LIMITS = {
  /** Lexical tokens in the query text: a large dashboard query has a few hundred, GraphiQL's introspection 184. */
  maxTokens: 1_000,
  /** Nested fields below the operation; fragments add no depth of their own. */
  maxDepth: 8,
  maxAliases: 15,
  maxDirectives: 10,
  /** Fields the document expands to, fragments included, times literal page sizes. */
  maxExpandedFields: 10_000,
  /** What the request fetches, with its variables: a connection costs its page size times its children. */
  maxCost: 5_000,
  /**
   * Characters in any one string value, literal or variable. Every field has its own, smaller
   * limit (checked with its name); this ceiling keeps a 200 kB "id" from travelling into reads
   * and error messages before those checks run.
   */
  maxStringLength: MAX_STRING_LENGTH,
} as const;

/** A refused request: 400, one code for every limit, and which limit it met. */
export function tooComplex(message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', details, http: { status: 400 } } });
}

type Reject = (context: ValidationContext | null, error: GraphQLError) => void;

/** How each document limit is explained to the client, given what the document has. */
const EXPLAIN = {
  depth: (found: string) => `The query nests fields ${found} deep`,
  aliases: (found: string) => `The query uses ${found} aliases`,
  directives: (found: string) => `The query uses ${found} directives`,
  expandedFields: (found: string) => `The query expands to ${found} fields, counting each fragment spread and literal page size`,
} as const;

/** Reports armor's finding under our code, in our words (armor's own begin "Syntax Error:"). */
function reportAs(limit: keyof typeof EXPLAIN, max: number): { onReject: Reject[]; propagateOnRejection: false } {
  const onReject: Reject = (context, error) => {
    const found = /found (\d+)/.exec(error.message)?.[1] ?? 'more';
    context?.reportError(tooComplex(`${EXPLAIN[limit](found)}, above the limit of ${max}`, { limit, max, found: Number(found) }));
  };
  return { onReject: [onReject], propagateOnRejection: false };
}

/** The document stage, as validation rules and plugins for Apollo. */
export function documentLimits(production: boolean): { validationRules: ValidationRule[]; plugins: ApolloServerPlugin[] } {
  const armor = new ApolloArmor({
    // graphql-js's parser enforces the token limit itself (see parseOptions), with a 400.
    maxTokens: { enabled: false },
    maxDepth: { n: LIMITS.maxDepth, flattenFragments: true, ...reportAs('depth', LIMITS.maxDepth) },
    maxAliases: { n: LIMITS.maxAliases, ...reportAs('aliases', LIMITS.maxAliases) },
    maxDirectives: { n: LIMITS.maxDirectives, ...reportAs('directives', LIMITS.maxDirectives) },
    costLimit: {
      maxCost: LIMITS.maxExpandedFields,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ...reportAs('expandedFields', LIMITS.maxExpandedFields),
    },
    // Without introspection, "Did you mean" suggestions would still spell out the schema.
    blockFieldSuggestion: { enabled: production },
  });
  const { validationRules, plugins } = armor.protect();
  // armor's declarations name Apollo's CommonJS build and we load its ES modules: the same
  // plugin interface, declared twice, which TypeScript cannot tell are one.
  return { validationRules: [knownOperationTypes, MaxIntrospectionDepthRule, maxStringLength, ...validationRules], plugins: plugins as unknown as ApolloServerPlugin[] };
}

/** Apollo's parse options: graphql-js stops lexing past the token limit. */
export const parseOptions = { maxTokens: LIMITS.maxTokens };

/** graphql-js 17's KnownOperationTypesRule: an operation whose root type the schema lacks is invalid. */
const knownOperationTypes: ValidationRule = (context): ASTVisitor => ({
  OperationDefinition(node: OperationDefinitionNode) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This API has no ${node.operation} operations`, { nodes: node }));
    }
  },
});

/** What a plain list (a booking's payments, a customer's cards) is assumed to hold. */
const LIST_ITEMS = 10;

/**
 * A connection costs its children times the page size asked for (`first`, default 20); its
 * `edges` are that page, so they add their children once. Other lists count LIST_ITEMS items.
 */
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const type = String(field.type).replace(/!/g, '');
  if (type.endsWith('Connection')) return 1 + (typeof args.first === 'number' ? args.first : 20) * Math.max(childComplexity, 1);
  if (!type.startsWith('[')) return undefined;
  return type.endsWith('Edge]') ? 1 + childComplexity : 1 + LIST_ITEMS * Math.max(childComplexity, 1);
};

function costOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null, variables: Record<string, unknown>): number {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      ...(operationName ? { operationName } : {}),
      estimators: [fieldExtensionsEstimator(), pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // The document stage bounds what gets here; whatever graphql-query-complexity still refuses
    // (its node limit) is a limit too, never an internal error.
    throw tooComplex(error instanceof Error ? error.message : 'The query is too complex', { limit: 'cost', max: LIMITS.maxCost });
  }
}

/** Only page sizes (Int) and @include/@skip conditions (Boolean) change what an operation fetches. */
function costDependsOnVariables(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  return (operation.variableDefinitions ?? []).some((definition) => {
    const name = getNamedType(typeFromAST(schema, definition.type))?.name;
    return name === undefined || name === 'Int' || name === 'Boolean';
  });
}

/**
 * Costs of operations whose cost no variable changes, per parsed document. Apollo keeps one
 * parsed document per query text in its own bounded cache, so dashboards sending the same few
 * queries with different ids are costed once, and this cache lives and dies with Apollo's.
 */
const fixedCosts = new WeakMap<DocumentNode, Map<string, number>>();

function cachedCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, variables: Record<string, unknown>): number {
  if (costDependsOnVariables(schema, operation)) return costOf(schema, document, operationName, variables);
  const costs = fixedCosts.get(document) ?? new Map<string, number>();
  fixedCosts.set(document, costs);
  const cost = costs.get(operationName ?? '') ?? costOf(schema, document, operationName, variables);
  costs.set(operationName ?? '', cost);
  return cost;
}

/** The operation stage: variables, then cost. */
export function operationLimitsPlugin(): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation(context) {
          // Without an operation Apollo answers OPERATION_RESOLUTION_FAILURE (400) itself.
          if (!context.operation) return Promise.resolve();
          const variables = checkedVariables(context.schema, context.operation, context.request.variables);
          checkPageArguments(context.schema, context.document, variables);
          const cost = cachedCost(context.schema, context.document, context.operation, context.operationName, variables);
          if (cost > LIMITS.maxCost) {
            throw tooComplex(`The query costs ${cost}, above the limit of ${LIMITS.maxCost}; ask for smaller pages or fewer fields`, {
              limit: 'cost',
              max: LIMITS.maxCost,
              cost,
            });
          }
          return Promise.resolve();
        },
      }),
  };
}
