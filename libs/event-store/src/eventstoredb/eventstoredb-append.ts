/**
 * Appending to KurrentDB so that an event is stored exactly once even when the answer is lost.
 *
 * One round trip in the usual case. The chain link needs the hash of the stream's event at the
 * expected revision; it comes from ChainHeads (filled by this process's reads and appends), and
 * only on a miss from one read. The result comes from the server's answer: KurrentDB answers a
 * write (and an idempotent retry of it) with the log position of its last event, commit and
 * prepare alike, which is the position reads and subscriptions give that event. Only an answer
 * without a position costs a read.
 *
 * When the outcome is unknown (see eventstoredb-errors.ts) the stream is read from the expected
 * revision: if the events are there, the append succeeded; if not, it is sent again, with the
 * same ids at the same expected revision, which KurrentDB treats as the same append. What is
 * still unknown after the last attempt is an AppendOutcomeUnknownError.
 *
 * The size is checked the way KurrentDB checks MaxAppendSize (Event.SizeOnDisk summed over the
 * append: data and metadata bytes, the chain link included, and the type at two bytes a
 * character), before anything is sent.
 */
import { BACKWARDS, END } from '@kurrent/kurrentdb-client';
import type { AppendResult as ClientAppendResult, KurrentDBClient, ReadStreamOptions as ClientReadStreamOptions } from '@kurrent/kurrentdb-client';
import { AppendOutcomeUnknownError, InvalidEventError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { AppendResult, ExpectedRevision } from '../event-store.port.js';
import { chainBatch } from '../stored-event.js';
import type { EncodedEvent, PreparedEvent } from '../stored-event.js';
import type { ChainHeads } from './eventstoredb-chain-heads.js';
import { AcknowledgementTimeout, describeError, isTransient, toAppendError, toReadError } from './eventstoredb-errors.js';
import { chainHashOf, fromClientPosition, positionOf, toEventData, toStreamState } from './eventstoredb-mapping.js';
import type { ClientRecordedEvent } from './eventstoredb-mapping.js';
import type { ResolvedOptions } from './eventstoredb-options.js';

export type StreamReader = (streamName: string, options: ClientReadStreamOptions) => Promise<ClientRecordedEvent[]>;

/** KurrentDB's measure of an append against MaxAppendSize. */
export function appendSizeBytes(events: readonly PreparedEvent[]): number {
  return events.reduce((sum, event) => sum + Buffer.byteLength(event.dataJson) + Buffer.byteLength(event.metadataJson) + event.type.length * 2, 0);
}

export class EventStoreDbAppender {
  constructor(
    private readonly client: KurrentDBClient,
    private readonly read: StreamReader,
    private readonly heads: ChainHeads,
    private readonly options: ResolvedOptions,
  ) {}

  async append(streamName: string, encoded: readonly EncodedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    const previousHash = expected === 'no_stream' ? null : await this.hashAt(streamName, expected);
    const prepared = chainBatch(streamName, encoded, firstRevision, previousHash);
    const bytes = appendSizeBytes(prepared);
    if (bytes > this.options.maxAppendSizeBytes) {
      throw new InvalidEventError(
        'TOO_LARGE',
        `The append to "${streamName}" is ${bytes} bytes as the server counts them; its MaxAppendSize is ${this.options.maxAppendSizeBytes}`,
      );
    }
    const result = await this.appendUntilKnown(streamName, prepared, expected);
    const last = prepared[prepared.length - 1]!;
    this.heads.remember(streamName, last.revision, last.chain.hash);
    return result;
  }

  /** The chain hash of event `revision`, which the caller says is the stream's last. */
  private async hashAt(streamName: string, revision: number): Promise<string | null> {
    const known = this.heads.hashAt(streamName, revision);
    if (known !== undefined) return known;
    const [event] = await this.read(streamName, { fromRevision: BigInt(revision), maxCount: 1, requiresLeader: true });
    if (event?.revision === BigInt(revision)) return chainHashOf(event);
    // There is no such event, so the append cannot succeed: report where the stream really is.
    const [head] = await this.read(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true });
    throw new WrongExpectedRevisionError(streamName, revision, head ? Number(head.revision) : 'no_stream');
  }

  private async appendUntilKnown(streamName: string, prepared: readonly PreparedEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const events = prepared.map(toEventData);
    const { appendTimeoutMs, appendAttempts, appendRetryDelayMs, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      try {
        const sent = this.client.appendToStream(streamName, events, { streamState: toStreamState(expected), deadline: appendTimeoutMs });
        return await this.resultOf(streamName, prepared, await acknowledged(sent, appendTimeoutMs));
      } catch (error) {
        if (!isTransient(error)) throw toAppendError(error, streamName, expected);
        failure = error;
      }
      const stored = await this.storedResult(streamName, prepared);
      if (stored) {
        logger.warn(`The append to "${streamName}" at ${String(expected)} was stored although its answer failed (${describeError(failure)})`);
        return stored;
      }
      if (attempt >= appendAttempts) throw new AppendOutcomeUnknownError(streamName, expected, prepared.map((event) => event.id), failure);
      const pauseMs = appendRetryDelayMs * 2 ** (attempt - 1);
      logger.warn(`The append to "${streamName}" at ${String(expected)} failed (${describeError(failure)}); sending it again in ${pauseMs} ms, attempt ${attempt + 1} of ${appendAttempts}`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  private async resultOf(streamName: string, prepared: readonly PreparedEvent[], reply: ClientAppendResult): Promise<AppendResult> {
    const last = prepared[prepared.length - 1]!;
    if (reply.position) return { nextExpectedRevision: Number(reply.nextExpectedRevision), position: fromClientPosition(reply.position) };
    // A server that answers without a position: read the last event back for it.
    const [stored] = await this.read(streamName, { fromRevision: BigInt(last.revision), maxCount: 1, requiresLeader: true });
    if (!stored || stored.id.toLowerCase() !== last.id) {
      throw new Error(`The server accepted the append to "${streamName}" but event ${last.id} is not at revision ${last.revision}`);
    }
    return { nextExpectedRevision: last.revision, position: positionOf(stored) };
  }

  /** The result, when every event of the batch is already stored where it was meant to go. */
  private async storedResult(streamName: string, prepared: readonly PreparedEvent[]): Promise<AppendResult | undefined> {
    const first = prepared[0]!;
    let stored: ClientRecordedEvent[];
    try {
      stored = await this.read(streamName, { fromRevision: BigInt(first.revision), maxCount: prepared.length, requiresLeader: true });
    } catch (error) {
      // A read that fails the same way leaves the outcome unknown; the next attempt will tell.
      if (error instanceof Error && isTransient(error.cause)) return undefined;
      throw toReadError(error);
    }
    const all = prepared.every((event, i) => stored[i]?.id.toLowerCase() === event.id && stored[i]?.revision === BigInt(event.revision));
    return all ? { nextExpectedRevision: prepared[prepared.length - 1]!.revision, position: positionOf(stored[prepared.length - 1]!) } : undefined;
  }
}

/**
 * The client waits for a batch append's answer for as long as its connection lives; a server that
 * stays connected but never answers would hold the caller forever. The server was asked to answer
 * by the deadline; a little after it, the outcome is declared unknown here.
 */
function acknowledged<T>(sent: Promise<T>, timeoutMs: number): Promise<T> {
  const guardMs = timeoutMs + Math.max(250, timeoutMs / 2);
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AcknowledgementTimeout(guardMs)), guardMs);
  });
  return Promise.race([sent, expired]).finally(() => clearTimeout(timer));
}
