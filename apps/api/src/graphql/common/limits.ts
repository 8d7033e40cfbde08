/**
 * Limits on what one request may ask: nesting depth (a validation rule), and cost, computed
 * with the request's variables once the operation is known (so `first: 100` costs what it
 * fetches). One operation per request: Apollo's batching stays off.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, Kind, print, separateOperations } from 'graphql';
import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';

export const MAX_DEPTH = 8;
export const MAX_COST = 5_000;

export function depthRule(): ValidationRule {
  return depthLimit(MAX_DEPTH) as ValidationRule;
}

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

/**
 * Only integer variables (page sizes) change a query's cost, so the cost of an operation without
 * any is the same for every request and is computed once per query text. Dashboards send the
 * same few queries with different ids, so this spares a walk of the query on nearly every request.
 */
function costDependsOnVariables(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && (definition.variableDefinitions ?? []).some((variable) => /\bInt\b/.test(print(variable.type))),
  );
}

const MAX_CACHED_COSTS = 1_000;

export function costLimitPlugin(schemaOf: () => GraphQLSchema): ApolloServerPlugin {
  const costs = new Map<string, number>();
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation({ request, document, operationName, source }) {
          const cacheKey = costDependsOnVariables(document) ? undefined : `${operationName ?? ''}\n${source}`;
          const cached = cacheKey === undefined ? undefined : costs.get(cacheKey);
          const cost =
            cached ??
            getComplexity({
              schema: schemaOf(),
              query: operationName ? (separateOperations(document)[operationName] ?? document) : document,
              variables: request.variables ?? {},
              ...(operationName ? { operationName } : {}),
              estimators: [fieldExtensionsEstimator(), pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
            });
          if (cacheKey !== undefined && cached === undefined) {
            if (costs.size >= MAX_CACHED_COSTS) costs.clear();
            costs.set(cacheKey, cost);
          }
          if (cost > MAX_COST) {
            throw new GraphQLError(`The query costs ${cost}, above the limit of ${MAX_COST}; ask for smaller pages or fewer fields`, {
              extensions: {
                code: 'QUERY_TOO_COMPLEX',
                cost,
                limit: MAX_COST,
                http: { status: 400 },
              },
            });
          }
          return Promise.resolve();
        },
      }),
  };
}
