/**
 * Every error reaches clients with a stable UPPER_SNAKE `extensions.code`. Rejections decided by
 * the ledger keep their code and details; validation failures become VALIDATION_FAILED with the
 * fields at fault; anything unexpected becomes INTERNAL_SERVER_ERROR with a neutral message and
 * is logged here, so no stack trace or internal detail leaves the server.
 */
import { BadRequestException, ForbiddenException, HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { isRejection } from '@ledger/application';
import { ReadStoreError } from '@ledger/read-store';

const logger = new Logger('GraphQL');

/** Codes GraphQL itself and Apollo produce for malformed requests; they pass through unchanged. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/** Our own codes raised as GraphQLErrors (auth, limits, validation). */
const OWN_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'NOT_FOUND']);

export function validationFailed(errors: ValidationError[]): BadRequestException {
  const fields = flatten(errors);
  return new BadRequestException({
    code: 'VALIDATION_FAILED',
    message: `Invalid input: ${fields.map((f) => f.message).join('; ')}`,
    fields,
  });
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

function fromHttpException(error: HttpException): {
  code: string;
  message: string;
  details?: unknown;
} {
  const body = error.getResponse() as { code?: string; message?: string | string[]; fields?: unknown } | string;
  if (typeof body === 'object' && body.code === 'VALIDATION_FAILED')
    return {
      code: body.code,
      message: String(body.message),
      details: { fields: body.fields },
    };
  if (error instanceof UnauthorizedException) return { code: 'UNAUTHENTICATED', message: error.message };
  if (error instanceof ForbiddenException) return { code: 'FORBIDDEN', message: error.message };
  if (error.getStatus() === 429)
    return {
      code: 'RATE_LIMITED',
      message: 'Too many requests for this API key; slow down and retry shortly',
    };
  if (error instanceof BadRequestException) return { code: 'VALIDATION_FAILED', message: error.message };
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Internal error' };
}

/** Apollo's `formatError`: the formatted error and the original thrown value. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (isRejection(original)) {
    return {
      ...base,
      message: original.message,
      extensions: { code: original.code, details: original.details },
    };
  }
  if (original instanceof HttpException) {
    const { code, message, details } = fromHttpException(original);
    if (code === 'INTERNAL_SERVER_ERROR') logger.error(original);
    return {
      ...base,
      message,
      extensions: { code, ...(details ? { details } : {}) },
    };
  }
  if (original instanceof ReadStoreError && original.code === 'INVALID_READ_REQUEST') {
    return {
      ...base,
      message: original.message,
      extensions: { code: 'VALIDATION_FAILED' },
    };
  }
  // A scalar refusing a value (SafeInt out of range) is bad input like any other.
  if (original instanceof GraphQLError && original.extensions.code === 'VALIDATION_FAILED') {
    return { ...base, message: original.message, extensions: { code: 'VALIDATION_FAILED' } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (REQUEST_CODES.has(code) || OWN_CODES.has(code))) {
    const details = formatted.extensions?.details;
    return { ...base, extensions: { code, ...(details ? { details } : {}) } };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return {
    ...base,
    message: 'Internal error',
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
