/**
 * The port's EventSubscription over a KurrentDB catch-up subscription to $all.
 *
 * The server does the catch-up itself: it reads history, then switches to live delivery without
 * gaps or duplicates. The client exposes that as a Node readable stream whose buffer holds at most
 * `highWaterMark` events; iterating it with `for await` takes one event at a time, and once the
 * buffer is full the client stops reading the gRPC call, so HTTP/2 flow control holds the server
 * back (back-pressure) instead of memory filling up behind a slow consumer.
 */
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import type { EventSubscription, RecordedEvent } from '../event-store.port.js';

/** Turns one delivered event into the port's shape, or undefined to skip it. */
export type DeliveredEventConverter = (resolved: AllStreamResolvedEvent) => RecordedEvent | undefined;

export class EventStoreDbSubscription implements EventSubscription {
  private closed = false;
  private iterated = false;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly convert: DeliveredEventConverter,
    private readonly mapError: (error: unknown) => unknown = (error) => error,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    // The underlying gRPC call can be consumed once; a second reader would silently see nothing.
    if (this.iterated) throw new Error('An EventStoreDB subscription can be iterated only once');
    this.iterated = true;
    try {
      for await (const resolved of this.source as AsyncIterable<AllStreamResolvedEvent>) {
        if (this.closed) return;
        const event = this.convert(resolved);
        if (event) yield event;
      }
    } catch (error) {
      // Closing destroys the stream, which ends a pending read with a premature-close error.
      if (!this.closed) throw this.mapError(error);
    } finally {
      // Leaving the loop early (a `break` in the consumer) must also end the call on the server.
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.source.unsubscribe();
    } catch {
      // A call that never started, or a connection already gone, has nothing left to cancel.
    }
    // Cancelling ends the gRPC call, but a consumer waiting for a live event must be woken now.
    this.source.destroy();
  }
}
