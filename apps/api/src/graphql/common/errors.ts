/**
 * Every error reaches clients with a stable UPPER_SNAKE `extensions.code`. Rejections decided by
 * the ledger keep their code and details; validation failures become VALIDATION_FAILED with the
 * fields at fault; a read that names something the stores cannot hold (a made-up cursor or
 * position, a reserved stream name) is bad input too. Anything unexpected becomes
 * INTERNAL_SERVER_ERROR with a neutral message and is logged at ERROR with its stack, so no
 * stack trace or internal detail leaves the server; the expected ones are logged at info, in one
 * line, because a client's mistake is not the operator's problem.
 */
import { BadRequestException, ForbiddenException, HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { isRejection } from '@ledger/application';
import { InvalidEventError, InvalidPositionError } from '@ledger/event-store';
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
const OWN_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'VALIDATION_FAILED', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'NOT_FOUND', 'BAD_USER_INPUT']);

interface Classified {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

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

function fromHttpException(error: HttpException): Classified | undefined {
  const body = error.getResponse() as { code?: string; message?: string | string[]; fields?: unknown } | string;
  if (typeof body === 'object' && body.code === 'VALIDATION_FAILED') return { code: body.code, message: String(body.message), details: { fields: body.fields } };
  if (error instanceof UnauthorizedException) return { code: 'UNAUTHENTICATED', message: error.message };
  if (error instanceof ForbiddenException) return { code: 'FORBIDDEN', message: error.message };
  if (error.getStatus() === 429) return { code: 'RATE_LIMITED', message: 'Too many requests for this API key; slow down and retry shortly' };
  if (error instanceof BadRequestException) return { code: 'VALIDATION_FAILED', message: error.message };
  return undefined;
}

/** Reads of the stores that the request itself made impossible. */
function fromStoreError(error: unknown): Classified | undefined {
  const badRead =
    (error instanceof ReadStoreError && error.code === 'INVALID_READ_REQUEST') ||
    error instanceof InvalidPositionError ||
    (error instanceof InvalidEventError && error.reason === 'INVALID_STREAM');
  return badRead ? { code: 'VALIDATION_FAILED', message: (error as Error).message } : undefined;
}

/** What an error means for the client, or undefined when it is the server's own failure. */
export function classify(error: unknown): Classified | undefined {
  if (isRejection(error)) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof HttpException) return fromHttpException(error);
  const store = fromStoreError(error);
  if (store) return store;
  // Our own GraphQLErrors: a scalar refusing a value, a limit met during validation, auth.
  const own = error instanceof GraphQLError ? error.extensions.code : undefined;
  if (error instanceof GraphQLError && typeof own === 'string' && OWN_CODES.has(own)) {
    return { code: own, message: error.message, ...(error.extensions.details ? { details: error.extensions.details } : {}) };
  }
  return undefined;
}

/** Apollo's `formatError`: the formatted error and the original thrown value. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const base = {
    message: formatted.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  const known = classify(original);
  if (known) {
    logger.log(`${known.code}${formatted.path ? ` at ${formatted.path.join('.')}` : ''}: ${known.message}`);
    return { ...base, message: known.message, extensions: { code: known.code, ...(known.details ? { details: known.details } : {}) } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    const details = formatted.extensions?.details;
    return { ...base, extensions: { code, ...(details ? { details } : {}) } };
  }
  logger.error(original instanceof Error ? (original.stack ?? original.message) : String(original));
  return { ...base, message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
