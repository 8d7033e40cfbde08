/**
 * A catch-up subscription built from paged reads of the global log. Because every page starts
 * strictly after the last delivered position, the switch from history to live has neither gaps
 * nor duplicates; because the next page is read only when the consumer asks for more, a slow
 * consumer holds the reader back (back-pressure) instead of filling memory.
 */
import type { EventSubscription, RecordedEvent } from './event-store.port.js';
import type { Position } from './position.js';

export interface PageSource {
  readPage(after: Position | undefined, maxCount: number): Promise<RecordedEvent[]>;
  /** Resolves when new events may exist: a local append, a poll interval, or the signal. */
  waitForMore(signal: AbortSignal): Promise<void>;
}

export class PagedSubscription implements EventSubscription {
  private readonly abort = new AbortController();

  constructor(
    private readonly source: PageSource,
    private readonly after: Position | undefined,
    private readonly pageSize: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    let after = this.after;
    const { signal } = this.abort;
    while (!signal.aborted) {
      const page = await this.source.readPage(after, this.pageSize);
      for (const event of page) {
        if (signal.aborted) return;
        yield event;
        after = event.position;
      }
      if (page.length < this.pageSize) await this.source.waitForMore(signal);
    }
  }

  close(): Promise<void> {
    this.abort.abort();
    return Promise.resolve();
  }
}
