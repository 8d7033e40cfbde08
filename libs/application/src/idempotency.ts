/**
 * Idempotency keys, kept in the event store itself so they hold on every adapter. The first
 * request with a key claims the stream `idempotency-<id>` (an append that must find no stream)
 * and does the work; the outcome is recorded in the same stream. A repeat with the same input
 * waits for that outcome and returns it; a repeat with different input is refused. A claim whose
 * worker died is taken over after a lease, which is how a crashed command is resumed.
 *
 * What is kept, and why. A claim and its outcome are kept once the work has begun, because from
 * then on the work may have had effects (events appended, the processor called) and a repeat
 * must get the first answer, never a second attempt. A request refused by its `check`, which
 * runs before the claim against the state as it is (an unknown booking, an amount above what is
 * owed, a disabled method), leaves nothing at all: it did nothing, so a repeat is simply decided
 * again, as Stripe does for a request that failed before it began. So the log holds at most one
 * claim and one outcome per key, and rejected outcomes only for requests that passed every check
 * and then lost a race or met a refusal at the processor.
 */
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import type { NewEvent, RecordedEvent } from '@ledger/event-store';
import { ApplicationError, isRejection, rejection } from './application-error.js';
import { DomainError } from '@ledger/domain';
import { Clock } from './clock.port.js';
import { currentCorrelation } from './correlation.js';
import { deriveId, fingerprint } from './ids.js';

export interface IdempotentRequest {
  readonly tenant: string;
  readonly key: string;
  readonly commandType: string;
  readonly input: unknown;
}

type Claimed = { type: 'IdempotencyKeyClaimed'; data: { key: string; commandType: string; fingerprint: string; commandId: string; claimedAt: string } };
type Completed = { type: 'IdempotentCommandCompleted'; data: { result: unknown } };
type Rejected = { type: 'IdempotentCommandRejected'; data: { code: string; message: string; details: unknown } };

export interface IdempotencyOptions {
  /** How long a claim may go without an outcome before another request takes it over. */
  readonly leaseMs: number;
  /** How long a repeat waits for the first request's outcome. */
  readonly waitMs: number;
  readonly pollMs: number;
}

export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = { leaseMs: 30_000, waitMs: 20_000, pollMs: 20 };

@Injectable()
export class IdempotencyGuard {
  private options: IdempotencyOptions = DEFAULT_IDEMPOTENCY_OPTIONS;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  configure(options: Partial<IdempotencyOptions>): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  /** The command id a key stands for: the root every derived id of the command grows from. */
  commandIdFor(tenant: string, key: string): string {
    return deriveId('command', tenant, key);
  }

  async run<R>(request: IdempotentRequest, work: (commandId: string) => Promise<R>, check?: (commandId: string) => Promise<unknown>): Promise<R> {
    assertKey(request.key);
    const commandId = this.commandIdFor(request.tenant, request.key);
    const stream = `idempotency-${commandId}`;
    const claim: Claimed['data'] = {
      key: request.key,
      commandType: request.commandType,
      fingerprint: fingerprint({ commandType: request.commandType, input: request.input }),
      commandId,
      claimedAt: this.clock.now().toISOString(),
    };
    const refused = check ? await refusal(() => check(commandId)) : undefined;
    if (refused) {
      // Refused before it began: nothing to keep, unless this is a repeat whose first answer stands.
      if ((await this.store.readStream(stream, { maxCount: 1 })).length === 0) throw refused;
      return this.repeat(stream, claim, work);
    }
    try {
      await this.store.appendToStream(stream, [claimEvent('IdempotencyKeyClaimed', claim)], { expectedRevision: 'no_stream' });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return this.repeat(stream, claim, work);
    }
    return this.perform(stream, commandId, 0, work);
  }

  /** Runs the work and records its outcome after the event at `revision`. */
  private async perform<R>(stream: string, commandId: string, revision: number, work: (commandId: string) => Promise<R>): Promise<R> {
    let result: R;
    try {
      result = await work(commandId);
    } catch (error) {
      // Business rejections are outcomes: a repeat gets the same answer. Anything else (a crash,
      // an outage) leaves the claim open, to be resumed by a repeat after the lease.
      if (isRejection(error) && !isTransient(error)) {
        const rejected: Rejected['data'] = { code: error.code, message: error.message, details: error.details };
        await this.record(stream, commandId, revision, { type: 'IdempotentCommandRejected', data: rejected });
      }
      throw error;
    }
    await this.record(stream, commandId, revision, { type: 'IdempotentCommandCompleted', data: { result: result ?? null } });
    return result;
  }

  private async record(stream: string, commandId: string, revision: number, outcome: Completed | Rejected): Promise<void> {
    const event = this.event(commandId, `outcome-${revision}`, outcome.type, outcome.data);
    await this.store.appendToStream(stream, [event], { expectedRevision: revision });
  }

  private async repeat<R>(stream: string, claim: Claimed['data'], work: (commandId: string) => Promise<R>): Promise<R> {
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const events = await this.store.readStream(stream);
      const first = events[0] as RecordedEvent<Claimed['data']> | undefined;
      if (first && first.data.fingerprint !== claim.fingerprint) {
        throw new ApplicationError('IDEMPOTENCY_KEY_REUSED', `The idempotency key "${claim.key}" was already used for a different request`, {
          key: claim.key,
        });
      }
      const outcome = events.find((e) => e.type === 'IdempotentCommandCompleted' || e.type === 'IdempotentCommandRejected');
      if (outcome) return replay<R>(outcome);
      const last = events[events.length - 1]!;
      if (this.leaseExpired(last)) {
        const resumed = await this.takeOver(stream, claim, last.revision, work);
        if (resumed.took) return resumed.result;
        continue;
      }
      if (Date.now() > deadline) {
        throw new ApplicationError('REQUEST_IN_PROGRESS', `A request with the idempotency key "${claim.key}" is still in progress; retry later`, {
          key: claim.key,
        });
      }
      await sleep(this.options.pollMs);
    }
  }

  private leaseExpired(last: RecordedEvent): boolean {
    const claimedAt = (last.data as { claimedAt?: string }).claimedAt;
    return claimedAt !== undefined && this.clock.now().getTime() - Date.parse(claimedAt) > this.options.leaseMs;
  }

  /** Re-claims an abandoned command; only one of several concurrent repeats wins the append. */
  private async takeOver<R>(stream: string, claim: Claimed['data'], revision: number, work: (commandId: string) => Promise<R>) {
    const reclaim = { ...claim, claimedAt: this.clock.now().toISOString() };
    try {
      await this.store.appendToStream(stream, [claimEvent('IdempotencyKeyReclaimed', reclaim)], {
        expectedRevision: revision,
      });
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return { took: false as const };
      throw error;
    }
    return { took: true as const, result: await this.perform(stream, claim.commandId, revision + 1, work) };
  }

  private event(commandId: string, purpose: string, type: string, data: unknown): NewEvent {
    return { id: deriveId(commandId, 'idempotency', purpose), type, data, metadata: requestMetadata(commandId) };
  }
}

/**
 * A claim's event id is random on purpose: two requests racing for one key must collide on the
 * expected revision. With a derived id the store would take the second claim for a retry of the
 * first and let both proceed.
 */
function claimEvent(type: string, claim: Claimed['data']): NewEvent {
  return { id: randomUUID(), type, data: claim, metadata: requestMetadata(claim.commandId) };
}

/** Like every event a request causes, the guard's carry the request's id as correlation id. */
function requestMetadata(commandId: string): { commandId: string; correlationId?: string } {
  const correlationId = currentCorrelation();
  return { commandId, ...(correlationId ? { correlationId } : {}) };
}

/** Answers that describe a passing condition, not the request: a retry with the same key may succeed. */
const TRANSIENT = new Set<string>(['PROCESSOR_UNAVAILABLE', 'REQUEST_IN_PROGRESS']);

function isTransient(error: { code: string }): boolean {
  return TRANSIENT.has(error.code);
}

/** The rejection a check ends in, if any; anything else (an outage) propagates. */
async function refusal(check: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    if (isRejection(error) && !isTransient(error)) return error;
    throw error;
  }
}

function replay<R>(outcome: RecordedEvent): R {
  if (outcome.type === 'IdempotentCommandCompleted') return (outcome.data as Completed['data']).result as R;
  const { code, message, details } = outcome.data as Rejected['data'];
  throw rejection(code, message, (details ?? {}) as Readonly<Record<string, unknown>>);
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
    throw new DomainError('VALIDATION_FAILED', 'idempotencyKey must be a non-empty string of at most 255 characters', { field: 'idempotencyKey' });
  }
}
