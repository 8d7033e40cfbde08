/**
 * Group commit through a writer thread. Appends queue on the main thread and go to the writer
 * as a group; up to two groups are in flight, so the writer always has the next one waiting
 * while the main thread answers the last one and prepares more (with one, the two threads would
 * take turns idling). Each group is one SQLite transaction, so its appends share one fsync, and
 * one append's failure (a conflict, say) never touches the others in its group.
 */
import { Worker } from 'node:worker_threads';
import { EventStoreUnavailableError } from '../event-store.errors.js';

/** What the writer inserts for one event, in column order. */
export type EventRow = readonly [
  eventId: string,
  streamName: string,
  revision: number,
  type: string,
  category: string,
  data: string,
  metadata: string,
  chainHash: string,
  recordedAtMs: number,
];

export interface WriterAppend {
  readonly stream: string;
  /** -1 for "no stream". */
  readonly expected: number;
  readonly rows: readonly EventRow[];
}

export type WriterResult =
  | { readonly position: number }
  | { readonly conflict: number }
  | { readonly error: { readonly code?: string; readonly message: string } };

interface Pending {
  readonly append: WriterAppend;
  readonly resolve: (result: WriterResult) => void;
  readonly reject: (error: unknown) => void;
}

type WriterMessage =
  | { readonly id: number; readonly results: WriterResult[] }
  | { readonly id: number; readonly failed: { readonly code?: string; readonly message: string } }
  | { readonly closed: true };

const MAX_GROUPS_IN_FLIGHT = 2;

export class GroupCommitter {
  private queue: Pending[] = [];
  /** Groups sent to the writer, oldest first; it answers them in order. */
  private readonly inFlight: Pending[][] = [];
  private nextId = 1;
  private broken: Error | undefined;
  private drainedWaiters: (() => void)[] = [];
  private readonly worker: Worker;
  /** Counters for metrics and for the tests that prove appends share commits. */
  readonly stats = { commits: 0, appends: 0 };

  constructor(
    file: string,
    /** Called after a commit that made at least one append durable. */
    private readonly onCommitted: () => void,
  ) {
    this.worker = new Worker(new URL('./sqlite-writer.worker.cjs', import.meta.url), { workerData: { file } });
    this.worker.on('message', (message: WriterMessage) => this.answered(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the event store's writer thread stopped (exit code ${code})`)));
    // An idle writer must not keep the process alive; one with work in flight must.
    this.worker.unref();
  }

  /** Queues one append; settles once its group is durable (or refused). */
  submit(append: WriterAppend): Promise<WriterResult> {
    if (this.broken) return Promise.reject(this.unavailable());
    return new Promise((resolve, reject) => {
      this.queue.push({ append, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.send());
    });
  }

  /** Resolves when nothing is queued or being written. */
  drained(): Promise<void> {
    if (this.inFlight.length === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drained();
    if (this.broken) return;
    this.broken = new Error('closed');
    this.worker.ref();
    await new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve());
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
  }

  /**
   * Sends what is queued. With the writer idle, the queue goes as two halves: writers that wait on
   * their previous append move in lockstep, and splitting them once keeps two groups alternating,
   * one committing while the other is answered and refilled.
   */
  private send(): void {
    if (this.broken) return;
    if (this.inFlight.length === 0 && this.queue.length > 1) {
      const half = Math.ceil(this.queue.length / 2);
      this.post(this.queue.slice(0, half));
      this.queue = this.queue.slice(half);
    }
    if (this.inFlight.length >= MAX_GROUPS_IN_FLIGHT || this.queue.length === 0) return;
    const group = this.queue;
    this.queue = [];
    this.post(group);
  }

  private post(group: Pending[]): void {
    if (this.inFlight.length === 0) this.worker.ref();
    this.inFlight.push(group);
    this.worker.postMessage({ id: this.nextId++, appends: group.map((pending) => pending.append) });
  }

  private answered(message: WriterMessage): void {
    if ('closed' in message) return;
    const group = this.inFlight.shift() ?? [];
    this.stats.commits++;
    this.stats.appends += group.length;
    if ('failed' in message) {
      const error = new Error(`Appending failed: ${message.failed.message}`);
      group.forEach((pending) => pending.reject(error));
    } else {
      group.forEach((pending, index) => pending.resolve(message.results[index]!));
      if (message.results.some((result) => 'position' in result)) this.onCommitted();
    }
    if (this.queue.length > 0) this.send();
    if (this.inFlight.length === 0) {
      this.worker.unref();
      this.drainedWaiters.splice(0).forEach((resolve) => resolve());
    }
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    const stranded = [...this.inFlight.flat(), ...this.queue];
    this.inFlight.length = 0;
    this.queue = [];
    stranded.forEach((pending) => pending.reject(this.unavailable()));
    this.drainedWaiters.splice(0).forEach((resolve) => resolve());
  }

  private unavailable(): EventStoreUnavailableError {
    return new EventStoreUnavailableError(`The event store cannot write: ${this.broken?.message ?? 'unknown'}`);
  }
}
