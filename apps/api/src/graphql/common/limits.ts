/**
 * Limits on what one request may ask: nesting depth (a validation rule), and cost, computed
 * with the request's variables once the operation is known (so `first: 100` costs what it
 * fetches). One operation per request: Apollo's batching stays off.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import depthLimit from 'graphql-depth-limit';
import { GraphQLError, separateOperations } from 'graphql';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import type { ComplexityEstimator } from 'graphql-query-complexity';

export const MAX_DEPTH = 8;
export const MAX_COST = 5_000;

export function depthRule(): ValidationRule {
  return depthLimit(MAX_DEPTH) as ValidationRule;
}

/** A list field costs its children times the page size asked for (`first`, default 20). */
const pagedEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const isList = /Connection$|^\[/.test(String(field.type).replace(/!/g, ''));
  if (!isList) return undefined;
  const first = typeof args.first === 'number' ? args.first : 20;
  return 1 + first * Math.max(childComplexity, 1);
};

export function costLimitPlugin(schemaOf: () => GraphQLSchema): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation({ request, document, operationName }) {
          const query = operationName ? (separateOperations(document)[operationName] ?? document) : document;
          const cost = getComplexity({
            schema: schemaOf(),
            query,
            variables: request.variables ?? {},
            ...(operationName ? { operationName } : {}),
            estimators: [fieldExtensionsEstimator(), pagedEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
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
