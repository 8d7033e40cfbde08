/**
 * The production event store: EventStoreDB / KurrentDB through `@kurrent/kurrentdb-client`.
 *
 * The server owns ordering, optimistic concurrency, idempotency and catch-up subscriptions; this
 * adapter adds what the port promises beyond that: the shared encoding and hash chain, positions
 * as fixed-width hex strings, exclusive `after` bounds, the port's typed errors, appends that
 * settle an unknown outcome (eventstoredb-append.ts) and subscriptions that resume
 * (eventstoredb-subscription.ts). Events are stored as the exact bytes the serde produced (see
 * eventstoredb-mapping.ts for how and why). The client is shared per connection string
 * (eventstoredb-client-pool.ts explains why).
 */
import { BACKWARDS, END, START, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  Direction as ClientDirection,
  Position as ClientPosition,
  KurrentDBClient,
  ReadPosition,
  ReadStreamOptions as ClientReadStreamOptions,
} from '@kurrent/kurrentdb-client';
import { assertExpectedRevision, pageSize } from '../arguments.js';
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
import { assertStreamName, encodeBatch } from '../stored-event.js';
import { EventStoreDbAppender } from './eventstoredb-append.js';
import { ChainHeads } from './eventstoredb-chain-heads.js';
import { acquireClient, readThroughBridge, releaseClient } from './eventstoredb-client-pool.js';
import { toReadError } from './eventstoredb-errors.js';
import { planFilter } from './eventstoredb-filter.js';
import type { FilterPlan } from './eventstoredb-filter.js';
import { chainHashOf, fromClientEvent, fromClientPosition, toClientDirection, toClientPosition } from './eventstoredb-mapping.js';
import type { ClientRecordedEvent } from './eventstoredb-mapping.js';
import { resolveOptions } from './eventstoredb-options.js';
import type { EventStoreDbOptions, ResolvedOptions } from './eventstoredb-options.js';
import { getCustomMetadata, setCustomMetadata } from './eventstoredb-stream-metadata.js';
import { EventStoreDbSubscription } from './eventstoredb-subscription.js';
import type { CheckpointMarker } from './eventstoredb-subscription.js';

const DEFAULT_PAGE = 4096;
const DEFAULT_BUFFER = 512;
const MIN_PAGE = 64;

export class EventStoreDbEventStore extends EventStore {
  private readonly client: KurrentDBClient;
  private readonly options: ResolvedOptions;
  private readonly heads = new ChainHeads();
  private readonly appender: EventStoreDbAppender;
  private readonly subscriptions = new Set<EventSubscription>();
  private closed = false;

  /** `connectionString` is a `kurrentdb://` (or `esdb://`) URL, e.g. `kurrentdb://localhost:2113?tls=false`. */
  constructor(
    private readonly connectionString: string,
    private readonly serde: EventSerde = new EventSerde(),
    options: EventStoreDbOptions = {},
  ) {
    super();
    this.options = resolveOptions(options);
    this.client = acquireClient(connectionString);
    this.appender = new EventStoreDbAppender(this.client, (stream, read) => this.readFromStream(stream, read), this.heads, this.options);
  }

  async appendToStream(
    streamName: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    this.assertOpen();
    assertExpectedRevision(options?.expectedRevision);
    // Everything is checked and encoded before the server is asked anything.
    const encoded = encodeBatch(this.serde, streamName, events);
    return this.appender.append(streamName, encoded, options.expectedRevision);
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
    // The newest event read is what a caller deciding on this stream will append after.
    const newest = events.reduce<ClientRecordedEvent | undefined>((top, event) => (!top || event.revision > top.revision ? event : top), undefined);
    if (newest) this.heads.remember(streamName, Number(newest.revision), chainHashOf(newest));
    return events.map((event) => fromClientEvent(this.serde, event, options.raw));
  }

  /** Reads one stream through the client; a missing stream reads as empty. */
  private readFromStream(streamName: string, options: ClientReadStreamOptions): Promise<ClientRecordedEvent[]> {
    return readThroughBridge(this.connectionString, async () => {
      const events: ClientRecordedEvent[] = [];
      try {
        for await (const { event } of this.client.readStream(streamName, options)) if (event) events.push(event);
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
      return events;
    });
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
    const page = await readThroughBridge(this.connectionString, async () => {
      const read: AllStreamResolvedEvent['event'][] = [];
      for await (const { event } of this.client.readAll({ direction, fromPosition: from, maxCount, filter: plan.server })) read.push(event);
      return read;
    });
    let taken = 0;
    let last: ClientPosition | undefined;
    for (const event of page) {
      if (!event) continue;
      last = event.position;
      if (fromClientPosition(event.position) === skip || !plan.accepts(event.type, event.streamId)) continue;
      found.push(fromClientEvent(this.serde, event, raw));
      if (++taken === wanted) return undefined;
    }
    return page.length < maxCount || last === undefined ? undefined : { from: last, skip: fromClientPosition(last) };
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    this.assertOpen();
    const plan = planFilter(options.filter);
    const bufferSize = pageSize(options.bufferSize, DEFAULT_BUFFER);
    // A checkpoint this store never handed out is refused now, not when the iteration starts.
    if (options.after !== undefined) toClientPosition(options.after);
    const open = (after: Position | undefined): AllStreamSubscription =>
      this.client.subscribeToAll(
        // The server's checkpoints travel in the stream, in order with the events, so that a
        // resumed subscription can start after the last one the consumer has reached.
        { fromPosition: after === undefined ? START : toClientPosition(after), filter: { ...plan.server, checkpointReached } },
        { highWaterMark: bufferSize },
      );
    const convert = ({ event }: { event?: ClientRecordedEvent }): RecordedEvent | undefined =>
      event && plan.accepts(event.type, event.streamId) ? fromClientEvent(this.serde, event) : undefined;
    const subscription = new EventStoreDbSubscription(open, convert, options.after, this.options.resubscribe, this.options.logger, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
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

  /** Ends this store's subscriptions and gives the shared client back (see eventstoredb-client-pool.ts). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await releaseClient(this.connectionString);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

function checkpointReached(subscription: AllStreamSubscription, position: ClientPosition): void {
  const marker: CheckpointMarker = { checkpoint: fromClientPosition(position) };
  subscription.push(marker);
}

interface PageCursor {
  readonly from: ReadPosition;
  /** The encoded position of the event at `from`, already seen on the previous page. */
  readonly skip: Position | undefined;
}
