/**
 * The port's EventSubscription over KurrentDB catch-up subscriptions to $all, resumed when the
 * server goes away.
 *
 * The server does the catch-up itself: it reads history, then switches to live delivery without
 * gaps or duplicates. The client exposes that as a Node readable stream whose buffer holds at most
 * `highWaterMark` events; iterating it with `for await` takes one event at a time, and once the
 * buffer is full the client stops reading the gRPC call, so HTTP/2 flow control holds the server
 * back (back-pressure) instead of memory filling up behind a slow consumer.
 *
 * A subscription ends on the server's side when the server restarts, loses its leadership, drops
 * the connection, or simply completes the call. Then a new one is opened strictly after the last
 * position this one reached (the last event handed out, or a later checkpoint of the server's:
 * a position up to which it looked and found nothing that passes the filter), after a pause that
 * doubles from `initialDelayMs` up to `maxDelayMs`. After `maxAttempts` failed attempts in a row,
 * or at once for an answer that retrying cannot change (access denied), it gives up: its status
 * says `failed` and its iteration ends with the error. Every loss is logged.
 */
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError } from '../event-store.errors.js';
import type { EventSubscription, RecordedEvent, SubscriptionStatus } from '../event-store.port.js';
import type { Position } from '../position.js';
import { describeError, isTransient, toReadError } from './eventstoredb-errors.js';
import { positionOf } from './eventstoredb-mapping.js';
import type { EventStoreLogger, ResubscribePolicy } from './eventstoredb-options.js';

/** Turns one delivered event into the port's shape, or undefined to skip it. */
export type DeliveredEventConverter = (resolved: AllStreamResolvedEvent) => RecordedEvent | undefined;

/** Opens a server subscription delivering what comes strictly after `after` (from the start when undefined). */
export type SubscriptionSource = (after: Position | undefined) => AllStreamSubscription;

/** Put into the client's stream by its `checkpointReached` callback, so it stays in order with the events. */
export interface CheckpointMarker {
  readonly checkpoint: Position;
}

type Item = AllStreamResolvedEvent | CheckpointMarker;

class ServerEndedSubscription extends Error {
  constructor() {
    super('the server ended the subscription');
  }
}

export class EventStoreDbSubscription implements EventSubscription {
  private closed = false;
  private iterated = false;
  private source: AllStreamSubscription | undefined;
  private resumeAfter: Position | undefined;
  private current: Omit<SubscriptionStatus, 'since'> = { state: 'catching-up', position: undefined, reconnects: 0, lastError: undefined };
  private since = new Date();
  private wake: (() => void) | undefined;

  constructor(
    private readonly open: SubscriptionSource,
    private readonly convert: DeliveredEventConverter,
    after: Position | undefined,
    private readonly policy: ResubscribePolicy,
    private readonly logger: EventStoreLogger,
    private readonly onClosed: () => void = () => undefined,
  ) {
    this.resumeAfter = after;
  }

  get status(): SubscriptionStatus {
    return { ...this.current, since: this.since };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    // The underlying gRPC call can be consumed once; a second reader would silently see nothing.
    if (this.iterated) throw new Error('An EventStoreDB subscription can be iterated only once');
    this.iterated = true;
    let failures = 0;
    try {
      while (!this.closed) {
        const progress = { made: false };
        let failure: unknown;
        try {
          yield* this.follow(progress);
          failure = new ServerEndedSubscription();
        } catch (error) {
          failure = error;
        }
        if (this.closed) return;
        failures = progress.made ? 1 : failures + 1;
        await this.pauseOrGiveUp(failure, failures);
      }
    } finally {
      // Leaving the loop early (a `break` in the consumer) must also end the call on the server.
      await this.close();
    }
  }

  /** Delivers one server subscription's events until it ends, advancing the resume point. */
  private async *follow(progress: { made: boolean }): AsyncGenerator<RecordedEvent> {
    const source = this.open(this.resumeAfter);
    this.source = source;
    this.update({ state: 'catching-up' });
    source.on('caughtUp', () => {
      progress.made = true;
      if (!this.closed) this.update({ state: 'live' });
    });
    try {
      for await (const item of source as AsyncIterable<Item>) {
        if (this.closed) return;
        if ('checkpoint' in item) {
          this.advance(item.checkpoint);
          continue;
        }
        if (!item.event) continue;
        progress.made = true;
        const position = positionOf(item.event);
        // A resumed subscription starts strictly after the resume point; this guards the promise anyway.
        if (this.resumeAfter !== undefined && position <= this.resumeAfter) continue;
        this.advance(position);
        const event = this.convert(item);
        if (!event) continue;
        this.update({ position });
        yield event;
      }
    } finally {
      await cancel(source);
    }
  }

  private async pauseOrGiveUp(failure: unknown, failures: number): Promise<void> {
    const reason = describeError(failure);
    const resumable = failure instanceof ServerEndedSubscription || isTransient(failure);
    if (!resumable || failures > this.policy.maxAttempts) {
      this.update({ state: 'failed', lastError: reason });
      const message = resumable ? `gave up after ${this.policy.maxAttempts} attempts to resume: ${reason}` : reason;
      this.logger.error(`The subscription to $all stopped for good at ${this.current.position ?? 'its start'}: ${message}`);
      throw resumable ? new EventStoreUnavailableError(`The subscription to $all ${message}`, { cause: failure }) : toReadError(failure);
    }
    const pauseMs = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** (failures - 1));
    this.update({ state: 'reconnecting', lastError: reason, reconnects: this.current.reconnects + 1 });
    this.logger.warn(
      `The subscription to $all was lost (${reason}); resuming after ${this.resumeAfter ?? 'the start'} in ${pauseMs} ms, attempt ${failures} of ${this.policy.maxAttempts}`,
    );
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pauseMs);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private advance(position: Position): void {
    if (this.resumeAfter === undefined || position > this.resumeAfter) this.resumeAfter = position;
  }

  private update(change: Partial<Omit<SubscriptionStatus, 'since'>>): void {
    if (change.state !== undefined && change.state !== this.current.state) this.since = new Date();
    this.current = { ...this.current, ...change };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A subscription that gave up stays `failed`: that is what a health check must see.
    if (this.current.state !== 'failed') this.update({ state: 'closed' });
    this.wake?.();
    this.onClosed();
    if (this.source) await cancel(this.source);
  }
}

async function cancel(source: AllStreamSubscription): Promise<void> {
  try {
    await source.unsubscribe();
  } catch {
    // A call that never started, or a connection already gone, has nothing left to cancel.
  }
  // Cancelling ends the gRPC call, but a consumer waiting for a live event must be woken now.
  source.destroy();
}
