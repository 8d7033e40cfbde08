/**
 * Stable rejection codes. They cross the API boundary as `extensions.code`, so a code is never
 * renamed or reused with another meaning; new situations get new codes.
 */
export const domainErrorCodes = [
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'INVALID_AMOUNT',
  'CURRENCY_MISMATCH',
  'AMOUNT_EXCEEDS_BALANCE',
  'AMOUNT_EXCEEDS_AUTHORIZED',
  'AMOUNT_EXCEEDS_REFUNDABLE',
  'OFFLINE_METHOD_DISABLED',
  'INVALID_STATE',
  'CARD_NOT_FOUND',
  'LINK_EXPIRED',
  'LINK_NOT_PAYABLE',
  'STRIPE_NOT_CONNECTED',
  /** A total too large to answer exactly as a number (beyond 2^53-1); never rounded instead. */
  'AMOUNT_OUT_OF_RANGE',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

export type DomainErrorDetails = Readonly<Record<string, unknown>>;

/**
 * The only way a decider says no. Callers branch on `code`, never on `message`, which is
 * written for people and may change.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly details: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details: DomainErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
