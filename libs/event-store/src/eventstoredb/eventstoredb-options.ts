/** The KurrentDB adapter's tuning, with defaults chosen for a production server. */
import { Logger } from '@nestjs/common';

export interface EventStoreLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ResubscribePolicy {
  /** The pause before the first attempt to resume; each further one doubles it. */
  readonly initialDelayMs: number;
  /** The longest pause between two attempts. */
  readonly maxDelayMs: number;
  /** Consecutive failed attempts after which the subscription gives up and reports `failed`. */
  readonly maxAttempts: number;
}

export interface EventStoreDbOptions {
  /**
   * The server's MaxAppendSize. 1 MiB, the default of EventStoreDB and of KurrentDB before 25.1
   * (which raised it to 256 MiB): the smallest a ledger may meet, and far above its appends.
   */
  readonly maxAppendSizeBytes?: number;
  /** How long one append attempt waits for its acknowledgement; it is also the deadline sent with it. */
  readonly appendTimeoutMs?: number;
  /** Attempts for an append whose outcome stays unknown, before AppendOutcomeUnknownError. */
  readonly appendAttempts?: number;
  /** The pause before the second attempt of an append; each further one doubles it. */
  readonly appendRetryDelayMs?: number;
  readonly resubscribe?: Partial<ResubscribePolicy>;
  readonly logger?: EventStoreLogger;
}

export interface ResolvedOptions {
  readonly maxAppendSizeBytes: number;
  readonly appendTimeoutMs: number;
  readonly appendAttempts: number;
  readonly appendRetryDelayMs: number;
  readonly resubscribe: ResubscribePolicy;
  readonly logger: EventStoreLogger;
}

export function resolveOptions(options: EventStoreDbOptions = {}): ResolvedOptions {
  return {
    maxAppendSizeBytes: options.maxAppendSizeBytes ?? 1024 * 1024,
    // KurrentDB's own write timeout is 2 s; this leaves it room to answer "timeout" itself.
    appendTimeoutMs: options.appendTimeoutMs ?? 5_000,
    appendAttempts: options.appendAttempts ?? 4,
    appendRetryDelayMs: options.appendRetryDelayMs ?? 200,
    // About four and a half minutes before giving up: longer than a restart or an election, and
    // than the up to two minutes grpc-js may wait before reconnecting after a long outage.
    resubscribe: { initialDelayMs: 250, maxDelayMs: 10_000, maxAttempts: 30, ...options.resubscribe },
    logger: options.logger ?? new Logger('EventStoreDB'),
  };
}
