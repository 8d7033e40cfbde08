/**
 * A catch-up subscription built from paged reads of the global log. Because every page starts
 * strictly after the last delivered position, the switch from history to live has neither gaps
 * nor duplicates; because the next page is read only when the consumer asks for more, a slow
 * consumer holds the reader back (back-pressure) instead of filling memory.
 */
import type { EventSubscription, RecordedEvent, SubscriptionStatus } from './event-store.port.js';
import type { Position } from './position.js';

/**
 * One page of a filtered scan: the events that matched, and how far the scan got. A filter that
 * matches rarely still moves the scan forward, so a quiet subscription never rescans the log.
 */
export interface ScannedPage {
  readonly events: readonly RecordedEvent[];
  /** Resume strictly after this position; undefined while nothing has been scanned. */
  readonly scannedTo: Position | undefined;
  /** True when the scan reached the head of the log. */
  readonly atHead: boolean;
}

export interface PageSource {
  readPage(after: Position | undefined, maxCount: number): Promise<ScannedPage>;
  /** Resolves when new events may exist: a local append, a poll interval, or the signal. */
  waitForMore(signal: AbortSignal): Promise<void>;
}

export class PagedSubscription implements EventSubscription {
  private readonly abort = new AbortController();
  private current: Omit<SubscriptionStatus, 'since'> = { state: 'catching-up', position: undefined, reconnects: 0, lastError: undefined };
  private since = new Date();

  constructor(
    private readonly source: PageSource,
    private readonly after: Position | undefined,
    private readonly pageSize: number,
  ) {}

  /** The source is in-process, so there is nothing to reconnect: it is live, catching up, failed or closed. */
  get status(): SubscriptionStatus {
    return { ...this.current, since: this.since };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let after = this.after;
    const { signal } = this.abort;
    try {
      while (!signal.aborted) {
        const page = await this.source.readPage(after, this.pageSize);
        for (const event of page.events) {
          if (signal.aborted) return;
          this.update({ position: event.position });
          yield event;
        }
        after = page.scannedTo ?? after;
        // Catching up, pages may be read synchronously (SQLite): a turn of the event loop between
        // them keeps a long catch-up from starving everything else in the process.
        if (page.atHead) {
          this.update({ state: 'live' });
          await this.source.waitForMore(signal);
        } else {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } catch (error) {
      if (!signal.aborted) this.update({ state: 'failed', lastError: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  close(): Promise<void> {
    this.abort.abort();
    this.update({ state: 'closed' });
    return Promise.resolve();
  }

  private update(change: Partial<Omit<SubscriptionStatus, 'since'>>): void {
    if (change.state !== undefined && change.state !== this.current.state) this.since = new Date();
    this.current = { ...this.current, ...change };
  }
}
