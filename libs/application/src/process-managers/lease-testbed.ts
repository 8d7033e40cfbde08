/**
 * Instances of a process manager host for lease tests: each opens the same SQLite event store
 * and read store files itself, as separate processes would, and runs one recording manager
 * under its own lease owner. A test can cut an instance off from the read store (its lease
 * renewals fail, as with a lost connection), skew its read store's clock, stall the manager on
 * an event, and see every checkpoint append the instance attempted and whether it was taken.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppendOutcomeUnknownError, SqliteEventStore } from '@ledger/event-store';
import type { RecordedEvent } from '@ledger/event-store';
import { SqliteReadStore } from '@ledger/read-store';
import { ProcessManagerLeases } from './process-manager-leases.js';
import type { LeasedGroup, PeriodicJob } from './process-manager-leases.js';
import type { ProcessManager } from './process-manager.js';

export const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
export const MANAGER = 'lease-recorder';

export interface LeaseInstanceOptions {
  readonly ttlMs: number;
  /** Added to this instance's read-store clock, as if its machine's clock ran ahead. */
  readonly clockSkewMs?: number;
  /** Makes this instance's manager throw on this event number, as a broken dependency would. */
  readonly failOn?: number;
}

export class LeaseInstance {
  /** Event numbers (`data.n`) the manager handled here, in order. */
  readonly handled: number[] = [];
  /** Checkpoint appends this instance attempted, with whether the store took them. */
  readonly checkpointAppends: { type: string; taken: boolean }[] = [];
  /** performance.now() of the start of the last lease request the store granted. */
  lastRenewalAt = 0;
  cut = false;
  readonly events: SqliteEventStore;
  readonly reads: SqliteReadStore;
  readonly leases: ProcessManagerLeases;
  private readonly gates = new Map<number, Promise<void>>();
  /** Checkpoint saves still to meet an outage, and whether each lands before its answer is lost. */
  private outages = { left: 0, landed: false };
  private group: LeasedGroup | undefined;

  constructor(
    dir: string,
    readonly owner: string,
    private readonly options: LeaseInstanceOptions,
  ) {
    this.events = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 10 });
    this.reads = new SqliteReadStore({ file: join(dir, 'read-models.db'), clock: () => Date.now() + (options.clockSkewMs ?? 0) });
    this.leases = new ProcessManagerLeases(this.reads, { owner, ttlMs: options.ttlMs });
    this.watchLeases();
    this.watchAppends();
  }

  /** Holds the manager on event `n` until the returned function is called. */
  stallOn(n: number): () => void {
    let release!: () => void;
    this.gates.set(n, new Promise<void>((resolve) => (release = resolve)));
    return release;
  }

  /**
   * The next `count` checkpoint saves meet an event-store outage whose outcome is unknown (as when
   * KurrentDB restarts mid-append); with `landed`, each is stored before its answer is lost.
   */
  checkpointOutage(count: number, landed: boolean): void {
    this.outages = { left: count, landed };
  }

  async start(): Promise<void> {
    this.group = this.leases.managers(this.events, [this.manager()], { checkpointEvery: 1, logger: quiet });
    await this.group.start();
  }

  async startJobs(jobs: readonly PeriodicJob[]): Promise<LeasedGroup> {
    const group = this.leases.jobs(jobs, { logger: quiet });
    await group.start();
    return group;
  }

  get state(): string {
    return this.leases.status()[0]?.state ?? 'not started';
  }

  async stop(): Promise<void> {
    await this.group?.stop();
  }

  async close(): Promise<void> {
    this.cut = false;
    await this.stop().catch(() => undefined);
    await this.events.close();
    await this.reads.close();
  }

  private manager(): ProcessManager {
    return {
      name: MANAGER,
      eventTypes: ['LeaseTestHappened'],
      handle: async (event: RecordedEvent) => {
        const { n } = event.data as { n: number };
        this.handled.push(n);
        if (n === this.options.failOn) throw new Error(`event ${n} cannot be handled on ${this.owner}`);
        await this.gates.get(n);
        return `handled ${n}`;
      },
    };
  }

  private watchLeases(): void {
    const acquire = this.reads.acquireLease.bind(this.reads);
    this.reads.acquireLease = async (request) => {
      const asked = performance.now();
      if (this.cut) throw new Error('the read store is unreachable');
      const granted = await acquire(request);
      if (granted) this.lastRenewalAt = asked;
      return granted;
    };
  }

  private watchAppends(): void {
    const append = this.events.appendToStream.bind(this.events);
    this.events.appendToStream = async (stream, events, options) => {
      if (!stream.startsWith('checkpoint-')) return append(stream, events, options);
      const type = events[0]!.type;
      if (type === 'CheckpointStored' && this.outages.left > 0) {
        this.outages.left--;
        if (this.outages.landed) await append(stream, events, options);
        this.checkpointAppends.push({ type, taken: this.outages.landed });
        throw new AppendOutcomeUnknownError(stream, options.expectedRevision ?? 'no_stream', events.map((event) => event.id), new Error('the connection closed'));
      }
      try {
        const result = await append(stream, events, options);
        this.checkpointAppends.push({ type, taken: true });
        return result;
      } catch (error) {
        this.checkpointAppends.push({ type, taken: false });
        throw error;
      }
    };
  }
}

/** Appends events numbered `from`..`to` to the log. */
export async function happen(events: SqliteEventStore, from: number, to = from): Promise<void> {
  for (let n = from; n <= to; n++) {
    await events.appendToStream(`leasetest-${randomUUID()}`, [{ id: randomUUID(), type: 'LeaseTestHappened', data: { n }, metadata: { tenant: 't' } }], {
      expectedRevision: 'no_stream',
    });
  }
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
