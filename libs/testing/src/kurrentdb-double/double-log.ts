/**
 * The KurrentDB test double's storage: one in-memory log ($all) and an index of streams over it.
 *
 * The rules follow KurrentDB's own write path (IndexWriter's commit checks and the request
 * manager's replies), restated here rather than copied:
 * - an exact expected revision, or "no stream" (revision -1), is checked strongly: when it lies
 *   before the stream's end, the append is idempotent only if the events already stored at the
 *   following revisions carry exactly the proposed ids, else it is a wrong expected version;
 * - "any" and "stream exists" are checked weakly: proposed ids already in the stream make the
 *   append idempotent; a mix of stored and new ids is a wrong expected version;
 * - an idempotent append writes nothing and answers the revision and log position of the last
 *   event of the earlier write;
 * - every event is its own log record, so its commit and prepare positions are both its log
 *   position, and a successful append answers the log position of its last event.
 * Positions grow by each record's size, so they are sparse and increasing like a real log's.
 */
export interface StoredEvent {
  readonly streamName: string;
  readonly revision: number;
  /** Lower-case UUID text, as KurrentDB's Guid.ToString() prints it. */
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** Commit and prepare position alike: the event's own log position. */
  readonly position: bigint;
  /** .NET ticks (100 ns) since the Unix epoch, as the `created` gRPC metadata carries them. */
  readonly createdTicks: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export type ExpectedState = 'any' | 'no_stream' | 'stream_exists' | number;

export type AppendOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: number; readonly position: bigint }
  | { readonly kind: 'wrong_expected_version'; readonly current: number | 'no_stream' };

/** Where a read starts: the log's or stream's start or end, or an exact revision or position. */
export type From<T> = 'start' | 'end' | T;

/** The size KurrentDB counts against MaxAppendSize and MaxAppendEventSize (Event.SizeOnDisk). */
export function sizeOnDisk(event: Pick<ProposedEvent, 'type' | 'data' | 'metadata'>): number {
  return event.data.length + event.metadata.length + event.type.length * 2;
}

const RECORD_OVERHEAD_BYTES = 88;

export class DoubleLog {
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly listeners = new Set<() => void>();
  private nextPosition = 0n;

  constructor(private readonly now: () => number = Date.now) {
    // A real log never starts with the ledger's events: the server writes its own first.
    this.write('$projections-$all', { id: '8b3b7a2e-4e2f-4f4c-9d59-6f0b1a2c3d4e', type: '$ProjectionsInitialized', isJson: false, data: new Uint8Array(), metadata: new Uint8Array() });
  }

  get length(): number {
    return this.all.length;
  }

  eventAt(index: number): StoredEvent | undefined {
    return this.all[index];
  }

  /** Calls `listener` after every write; returns the function that stops it. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastRevision(streamName: string): number {
    return (this.streams.get(streamName)?.length ?? 0) - 1;
  }

  append(streamName: string, expected: ExpectedState, events: readonly ProposedEvent[]): AppendOutcome {
    const current = this.lastRevision(streamName);
    const idempotent = typeof expected === 'number' || expected === 'no_stream'
      ? this.strongCheck(streamName, expected === 'no_stream' ? -1 : expected, current, events)
      : this.weakCheck(streamName, expected, current, events);
    if (idempotent !== 'write') return idempotent;
    let last: StoredEvent | undefined;
    for (const event of events) last = this.write(streamName, event);
    for (const listener of [...this.listeners]) listener();
    return { kind: 'written', lastRevision: this.lastRevision(streamName), position: last?.position ?? this.nextPosition };
  }

  /** An exact expectation (or no stream): at the end, write; before it, idempotent or a conflict. */
  private strongCheck(streamName: string, expected: number, current: number, events: readonly ProposedEvent[]): AppendOutcome | 'write' {
    if (expected === current) return 'write';
    const conflict = { kind: 'wrong_expected_version', current: current < 0 ? 'no_stream' : current } as const;
    if (expected > current || events.length === 0) return conflict;
    const stream = this.streams.get(streamName) ?? [];
    const stored = events.every((event, i) => stream[expected + 1 + i]?.id === event.id);
    if (!stored) return conflict;
    const last = stream[expected + events.length]!;
    return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
  }

  /** "Any" or "stream exists": ids already in the stream make the append idempotent. */
  private weakCheck(streamName: string, expected: 'any' | 'stream_exists', current: number, events: readonly ProposedEvent[]): AppendOutcome | 'write' {
    const metastreamExists = this.lastRevision(`$$${streamName}`) >= 0;
    if (expected === 'stream_exists' && current < 0 && !metastreamExists) return { kind: 'wrong_expected_version', current: 'no_stream' };
    const stream = this.streams.get(streamName) ?? [];
    const found = events.map((event) => stream.find((stored) => stored.id === event.id));
    // As in KurrentDB, only the first id decides whether this is a retry; a retry must be whole.
    if (found.length === 0 || found[0] === undefined) return 'write';
    if (found.some((event) => event === undefined)) return { kind: 'wrong_expected_version', current: current < 0 ? 'no_stream' : current };
    const last = found[found.length - 1]!;
    return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
  }

  private write(streamName: string, event: ProposedEvent): StoredEvent {
    const stream = this.streams.get(streamName) ?? [];
    const stored: StoredEvent = {
      ...event,
      streamName,
      revision: stream.length,
      position: this.nextPosition,
      createdTicks: BigInt(this.now()) * 10_000n,
    };
    this.nextPosition += BigInt(RECORD_OVERHEAD_BYTES + streamName.length + sizeOnDisk(event));
    stream.push(stored);
    this.streams.set(streamName, stream);
    this.all.push(stored);
    return stored;
  }

  /** Undefined when the stream has never been written: KurrentDB answers "stream not found". */
  readStream(streamName: string, from: From<number>, direction: 'forwards' | 'backwards', count: number): StoredEvent[] | undefined {
    const stream = this.streams.get(streamName);
    if (!stream) return undefined;
    if (direction === 'forwards') {
      const start = from === 'start' ? 0 : from === 'end' ? stream.length : from;
      return stream.slice(start, start + count);
    }
    const start = from === 'end' ? stream.length - 1 : from === 'start' ? 0 : Math.min(from, stream.length - 1);
    return stream.slice(Math.max(0, start - count + 1), start + 1).reverse();
  }

  /**
   * Index of the first event at or after `position` (forwards reads include the event at the
   * position they name); a backwards read takes the events before that index.
   */
  indexAt(position: From<bigint>): number {
    if (position === 'start') return 0;
    if (position === 'end') return this.all.length;
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.all[middle]!.position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
