/**
 * The production event store: EventStoreDB / KurrentDB through `@kurrent/kurrentdb-client`.
 *
 * The server owns ordering, optimistic concurrency, idempotency and catch-up subscriptions; this
 * adapter adds what the port promises beyond that: the shared encoding and hash chain, positions
 * as fixed-width hex strings, exclusive `after` bounds, and the port's typed errors. Events are
 * stored as the exact bytes the serde produced (see eventstoredb-mapping.ts for how and why).
 */
import { BACKWARDS, END, KurrentDBClient, START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type { Direction as ClientDirection, Position as ClientPosition, ReadPosition, ReadStreamOptions as ClientReadStreamOptions } from '@kurrent/kurrentdb-client';
import { assertExpectedRevision, pageSize } from '../arguments.js';
import { WrongExpectedRevisionError } from '../event-store.errors.js';
import { EventStore } from '../event-store.port.js';
import type {
  AppendResult,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  SubscribeToAllOptions,
} from '../event-store.port.js';
import type { Position } from '../position.js';
import { EventSerde } from '../serde.js';
import { assertStreamName, chainBatch, encodeBatch } from '../stored-event.js';
import type { PreparedEvent } from '../stored-event.js';
import { planFilter } from './eventstoredb-filter.js';
import type { FilterPlan } from './eventstoredb-filter.js';
import {
  chainHashOf,
  fromClientEvent,
  fromClientPosition,
  positionOf,
  toAppendError,
  toClientDirection,
  toClientPosition,
  toEventData,
  toReadError,
  toStreamState,
} from './eventstoredb-mapping.js';
import type { ClientRecordedEvent } from './eventstoredb-mapping.js';
import { getCustomMetadata, setCustomMetadata } from './eventstoredb-stream-metadata.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';

const DEFAULT_PAGE = 4096;
const DEFAULT_BUFFER = 512;
const MIN_PAGE = 64;

export class EventStoreDbEventStore extends EventStore {
  private readonly client: KurrentDBClient;
  private closed = false;

  /** `connectionString` is a `kurrentdb://` (or `esdb://`) URL, e.g. `kurrentdb://localhost:2113?tls=false`. */
  constructor(
    connectionString: string,
    private readonly serde: EventSerde = new EventSerde(),
  ) {
    super();
    this.client = KurrentDBClient.connectionString(connectionString);
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    assertExpectedRevision(options?.expectedRevision);
    const expected = options.expectedRevision;
    // Everything is checked and encoded before the server is asked anything.
    const encoded = encodeBatch(this.serde, streamName, events);
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    const previousHash = expected === 'no_stream' ? null : await this.chainHashAt(streamName, expected);
    const prepared = chainBatch(streamName, encoded, firstRevision, previousHash);
    try {
      await this.client.appendToStream(streamName, prepared.map(toEventData), { streamState: toStreamState(expected) });
    } catch (error) {
      throw toAppendError(error, streamName, expected);
    }
    return this.appendedAt(streamName, prepared[prepared.length - 1]!);
  }

  /** The chain hash of event `revision`, which the caller says is the stream's last. */
  private async chainHashAt(streamName: string, revision: number): Promise<string | null> {
    const [event] = await this.readFromStream(streamName, { fromRevision: BigInt(revision), maxCount: 1, requiresLeader: true });
    if (event?.revision === BigInt(revision)) return chainHashOf(event);
    // There is no such event, so the append cannot succeed: report where the stream really is.
    const [head] = await this.readFromStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true });
    throw new WrongExpectedRevisionError(streamName, revision, head ? Number(head.revision) : 'no_stream');
  }

  /**
   * The result is built from the stored last event rather than from the server's reply. The reply
   * reports one position for the whole write with commit and prepare both set to the commit
   * position (KurrentDB's WriteEvents request manager says so itself), which is not the position a
   * read returns for the batch's last event; and an idempotent retry reports the position of the
   * earlier write's commit. Reading the event back (from the leader) gives the same answer for the
   * first write and every retry, and one that equals what readStream, readAll and subscriptions say.
   */
  private async appendedAt(streamName: string, last: PreparedEvent): Promise<AppendResult> {
    const [stored] = await this.readFromStream(streamName, { fromRevision: BigInt(last.revision), maxCount: 1, requiresLeader: true });
    if (!stored || stored.id.toLowerCase() !== last.id) {
      throw new Error(`The server accepted the append to "${streamName}" but event ${last.id} is not at revision ${last.revision}`);
    }
    return { nextExpectedRevision: last.revision, position: positionOf(stored) };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertStreamName(streamName);
    const maxCount = pageSize(options.maxCount, Number.MAX_SAFE_INTEGER);
    const direction = toClientDirection(options.direction);
    const from = options.fromRevision;
    if (from !== undefined && !(Number.isSafeInteger(from) && from >= 0)) {
      throw new RangeError(`fromRevision must be a non-negative integer, got ${JSON.stringify(from)}`);
    }
    const fromRevision = from === undefined ? (direction === BACKWARDS ? END : START) : BigInt(from);
    const events = await this.readFromStream(streamName, { direction, fromRevision, maxCount });
    return events.map((event) => fromClientEvent(this.serde, event, options.raw));
  }

  /** Reads one stream through the client; a missing stream reads as empty. */
  private async readFromStream(streamName: string, options: ClientReadStreamOptions): Promise<ClientRecordedEvent[]> {
    const events: ClientRecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(streamName, options)) if (event) events.push(event);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toReadError(error);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = pageSize(options.maxCount, DEFAULT_PAGE);
    const plan = planFilter(options.filter);
    const direction = toClientDirection(options.direction);
    const start: ReadPosition = options.after === undefined ? (direction === BACKWARDS ? END : START) : toClientPosition(options.after);
    const found: RecordedEvent[] = [];
    let page: PageCursor = { from: start, skip: options.after };
    while (found.length < limit) {
      const next = await this.readAllPage(plan, direction, page, limit - found.length, found, options.raw);
      if (!next) break;
      page = next;
    }
    return found;
  }

  /**
   * Reads until `wanted` more events passed the filter, adding them to `found`, and returns where
   * to continue, or undefined at the end of the log. The server's `fromPosition` is inclusive, so
   * the event exactly at the previous bound is skipped; one extra event is asked for to make up
   * for it. Pages are needed because events the client-side check drops still count on the server;
   * a minimum page size keeps round trips few when that check drops many.
   */
  private async readAllPage(
    plan: FilterPlan,
    direction: ClientDirection,
    { from, skip }: PageCursor,
    wanted: number,
    found: RecordedEvent[],
    raw: boolean | undefined,
  ): Promise<PageCursor | undefined> {
    const maxCount = Math.max(wanted + 1, MIN_PAGE);
    let read = 0;
    let taken = 0;
    let last: ClientPosition | undefined;
    try {
      for await (const { event } of this.client.readAll({ direction, fromPosition: from, maxCount, filter: plan.server })) {
        read++;
        if (!event) continue;
        last = event.position;
        if (fromClientPosition(event.position) === skip || !plan.accepts(event.type, event.streamId)) continue;
        found.push(fromClientEvent(this.serde, event, raw));
        if (++taken === wanted) return undefined;
      }
    } catch (error) {
      throw toReadError(error);
    }
    return read < maxCount || last === undefined ? undefined : { from: last, skip: fromClientPosition(last) };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    this.assertOpen();
    const plan = planFilter(options.filter);
    const bufferSize = pageSize(options.bufferSize, DEFAULT_BUFFER);
    const after = options.after;
    const fromPosition = after === undefined ? START : toClientPosition(after);
    // Without a checkpointReached callback the client drops the server's checkpoint messages quietly.
    const source = this.client.subscribeToAll({ fromPosition, filter: plan.server }, { highWaterMark: bufferSize });
    return new EventStoreDbSubscription(
      source,
      ({ event }) => {
        if (!event || !plan.accepts(event.type, event.streamId)) return undefined;
        // The server starts strictly after the checkpoint already; this guards the port's promise anyway.
        if (after !== undefined && positionOf(event) <= after) return undefined;
        return fromClientEvent(this.serde, event);
      },
      toReadError,
    );
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<void> {
    this.assertOpen();
    assertStreamName(streamName);
    try {
      await setCustomMetadata(this.client, this.serde, streamName, metadata);
    } catch (error) {
      throw toReadError(error);
    }
  }

  async getStreamMetadata(streamName: string): Promise<StreamMetadata | undefined> {
    this.assertOpen();
    assertStreamName(streamName);
    try {
      return await getCustomMetadata(this.client, this.serde, streamName);
    } catch (error) {
      throw toReadError(error);
    }
  }

  /** The newest event that is not the server's own; system events written later are ignored. */
  async headPosition(): Promise<Position | undefined> {
    const [newest] = await this.readAll({ direction: 'backwards', maxCount: 1, raw: true });
    return newest?.position;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

interface PageCursor {
  readonly from: ReadPosition;
  /** The encoded position of the event at `from`, already seen on the previous page. */
  readonly skip: Position | undefined;
}
