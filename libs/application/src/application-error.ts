/**
 * Rejections decided outside the domain: about requests (idempotency keys) and the processor's
 * answers. Like domain errors they carry a stable UPPER_SNAKE code that reaches API clients as
 * `extensions.code`.
 */
import { DomainError, domainErrorCodes, isDomainError } from '@ledger/domain';
import type { DomainErrorCode } from '@ledger/domain';

export const applicationErrorCodes = [
  'IDEMPOTENCY_KEY_REUSED',
  'REQUEST_IN_PROGRESS',
  'CARD_DECLINED',
  'PROCESSOR_REJECTED',
  'PROCESSOR_UNAVAILABLE',
  /** Recorded, but not yet in the read models the answer comes from: repeat the request for it. */
  'RESULT_PENDING',
] as const;

export type ApplicationErrorCode = (typeof applicationErrorCodes)[number];

export class ApplicationError extends Error {
  override readonly name = 'ApplicationError';

  constructor(
    readonly code: ApplicationErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** An error that is an answer to the request rather than a failure of the system. */
export type Rejection = DomainError | ApplicationError;

export function isRejection(error: unknown): error is Rejection {
  return isDomainError(error) || error instanceof ApplicationError;
}

/** Rebuilds a recorded rejection, so a repeated request gets the same answer. */
export function rejection(code: string, message: string, details: Readonly<Record<string, unknown>>): Rejection {
  return (domainErrorCodes as readonly string[]).includes(code)
    ? new DomainError(code as DomainErrorCode, message, details)
    : new ApplicationError(code as ApplicationErrorCode, message, details);
}
