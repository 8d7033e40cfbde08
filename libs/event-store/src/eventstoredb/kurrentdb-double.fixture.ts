/**
 * What the KurrentDB adapter's fault tests share: a KurrentDB test double per spec file, adapter
 * settings small enough that a timeout or a resumption takes milliseconds, and a logger that
 * keeps what the adapter said. Imported by specs only.
 */
import { randomUUID } from 'node:crypto';
// The double lives in the testing library; its folder has its own index (see its header).
import { KurrentDbDouble } from '../../../testing/src/kurrentdb-double/index.js';
import type { KurrentDbDoubleOptions } from '../../../testing/src/kurrentdb-double/index.js';
import type { NewEvent } from '../event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter.js';
import type { EventStoreDbOptions, EventStoreLogger } from './eventstoredb-options.js';

export { KurrentDbDouble };

/** Quick to give up, but not so quick that a loaded CI machine makes a healthy append look lost. */
export const FAST: EventStoreDbOptions = {
  appendTimeoutMs: 2_000,
  appendAttempts: 3,
  appendRetryDelayMs: 20,
  resubscribe: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 4 },
};

export function quietLogger(): { readonly lines: string[]; readonly logger: EventStoreLogger } {
  const lines: string[] = [];
  return { lines, logger: { log: (line) => lines.push(line), warn: (line) => lines.push(line), error: (line) => lines.push(line) } };
}

/** Starts a double before the file's tests and stops it after; opened stores are closed after each test. */
export function onKurrentDbDouble(options: KurrentDbDoubleOptions = {}) {
  const opened: EventStoreDbEventStore[] = [];
  const state = { double: undefined as KurrentDbDouble | undefined, lines: [] as string[] };
  beforeAll(async () => {
    state.double = await KurrentDbDouble.start(options);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    state.double?.faults.clear();
  });
  afterAll(async () => {
    await state.double?.stop();
  });
  return {
    get double(): KurrentDbDouble {
      return state.double!;
    },
    /** The adapter's log lines since the last `open`. */
    get lines(): string[] {
      return state.lines;
    },
    open(extra: EventStoreDbOptions = {}): EventStoreDbEventStore {
      const { lines, logger } = quietLogger();
      state.lines = lines;
      const store = new EventStoreDbEventStore(state.double!.url, undefined, { ...FAST, logger, ...extra });
      opened.push(store);
      return store;
    },
  };
}

export function event(type: string, data: unknown = {}): NewEvent {
  return { id: randomUUID(), type, data };
}

let streamSeq = 0;
export function freshStream(): string {
  return `fault${randomUUID().replaceAll('-', '').slice(0, 8)}x${++streamSeq}-a`;
}

/** Resolves once `check` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Still not true after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
