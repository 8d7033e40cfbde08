/**
 * What the double's RPC handlers share: the log, the settings, the record of calls, and the
 * fault switches a test can flip. Each switch is consumed by the requests it applies to, so a
 * test says exactly how many requests misbehave and then meets a healthy server again.
 */
import type { DoubleLog } from './double-log.js';
import { grpc, notLeaderError } from './wire.js';

export interface DoubleSettings {
  /** KurrentDB's MaxAppendSize: the total SizeOnDisk of one append's events. */
  readonly maxAppendSizeBytes: number;
  /** KurrentDB's write timeout: an append not acknowledged by then answers "timeout". */
  readonly writeTimeoutMs: number;
  readonly batchAppend: boolean;
  readonly serverVersion: string;
}

/** Which client library made a call: grpc-js (the JS client) or the native bridge (tonic). */
export type ClientKind = 'js' | 'bridge';

export interface CallRecord {
  readonly method: 'GetSupportedMethods' | 'Read' | 'Append' | 'BatchAppend';
  /** For reads: what was read; for appends: one record per append request, not per call. */
  readonly kind: 'features' | 'readStream' | 'readAll' | 'subscribeToAll' | 'subscribeToStream' | 'append';
  readonly client: ClientKind;
  readonly stream?: string;
  /** For reads and subscriptions: where they start ('start', 'end', a revision or a commit position). */
  readonly from?: string;
}

export type StallReply = 'timeout' | 'never';

export interface StallOptions {
  /** How many append requests stall (retries count too). Default 1. */
  readonly count?: number;
  /** Whether a stalled append is written all the same (a commit timeout) or not (a prepare timeout). Default false. */
  readonly written?: boolean;
  /** Answer "timeout" once the request's deadline passes, as KurrentDB does, or never answer. Default 'timeout'. */
  readonly reply?: StallReply;
}

export interface Stall {
  readonly written: boolean;
  readonly reply: StallReply;
}

/** How a subscription the server ends finishes: with UNAVAILABLE, or completed as if by the server. */
export type SubscriptionEnding = 'unavailable' | 'completed';

export class DoubleFaults {
  private notLeaderLeft = 0;
  private stallsLeft = 0;
  private stall: Stall = { written: false, reply: 'timeout' };

  constructor(
    private readonly leader: () => { host: string; port: number },
    private readonly onEndSubscriptions: (ending: SubscriptionEnding) => number,
    private readonly onDropConnections: () => number,
  ) {}

  /** The next `count` requests (reads, subscriptions, appends) answer NotLeader, naming this server as the leader. */
  notLeader(count = 1): void {
    this.notLeaderLeft = count;
  }

  /** The next append requests are not acknowledged in time (see StallOptions). */
  stallAcks(options: StallOptions = {}): void {
    this.stallsLeft = options.count ?? 1;
    this.stall = { written: options.written ?? false, reply: options.reply ?? 'timeout' };
  }

  /** Ends every open subscription now; returns how many there were. */
  endSubscriptions(ending: SubscriptionEnding): number {
    return this.onEndSubscriptions(ending);
  }

  /** Resets every client connection at the TCP level, mid-call; returns how many there were. */
  dropConnections(): number {
    return this.onDropConnections();
  }

  clear(): void {
    this.notLeaderLeft = 0;
    this.stallsLeft = 0;
  }

  /** Throws the NotLeader answer when that switch is on; called once per request. */
  checkLeader(): void {
    if (this.notLeaderLeft <= 0) return;
    this.notLeaderLeft--;
    const { host, port } = this.leader();
    throw notLeaderError(host, port);
  }

  takeStall(): Stall | undefined {
    if (this.stallsLeft <= 0) return undefined;
    this.stallsLeft--;
    return this.stall;
  }
}

export interface DoubleContext {
  readonly log: DoubleLog;
  readonly settings: DoubleSettings;
  readonly faults: DoubleFaults;
  record(call: CallRecord): void;
  /** Names the client of a call from its metadata, and remembers it for its connection. */
  clientOf(call: { getPeer(): string; metadata: grpc.Metadata }): ClientKind;
  /** Registers a live subscription; `end` is called when a fault ends it. Returns the release. */
  track(end: (ending: SubscriptionEnding) => void): () => void;
  /** Timers that must not outlive the double. */
  later(ms: number, run: () => void): void;
}
