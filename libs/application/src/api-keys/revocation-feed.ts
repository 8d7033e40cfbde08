/**
 * Follows the log for `ApiKeyRevoked`, so a key revoked by any process stops working in this one
 * as soon as the store delivers the event: at once for an append made here, within the SQLite
 * adapter's poll interval (250 ms) for one made by another process on the same file, and as the
 * server pushes it on EventStoreDB.
 *
 * The feed opens at the head of the log: a key read from its stream after that point already
 * shows every earlier revocation, and the feed brings every later one. When the subscription
 * fails, the failure is logged and the feed re-opens after the last event it saw, with a
 * growing pause, so no revocation is skipped; meanwhile `following` is false, which the
 * authenticator answers by trusting its cache only briefly. `subscriptionStatus` tells health and
 * metrics where it stands across those re-openings: `reconnecting` from the first failure until a
 * subscription is open again, and `reconnects` counting every one, the store's own included.
 */
import { Logger } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import type { EventSubscription, Position, SubscriptionStatus } from '@ledger/event-store';
import type { ApiKeyEvent } from '@ledger/domain';

export interface FeedLogger {
  log(message: string): void;
  error(message: string): void;
}

export interface RevocationFeedOptions {
  /** The first pause before re-opening a failed feed; it doubles up to `retryMaxMs`. */
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly logger: FeedLogger;
}

export const DEFAULT_REVOCATION_FEED_OPTIONS: RevocationFeedOptions = {
  retryMinMs: 500,
  retryMaxMs: 30_000,
  logger: new Logger('ApiKeyRevocations'),
};

type FeedState = 'IDLE' | 'OPENING' | 'FOLLOWING' | 'RETRYING' | 'STOPPED';

export class RevocationFeed {
  options: RevocationFeedOptions = DEFAULT_REVOCATION_FEED_OPTIONS;
  private state: FeedState = 'IDLE';
  private opened: Promise<void> = Promise.resolve();
  private positioned = false;
  private after: Position | undefined;
  private subscription: EventSubscription | undefined;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private openedAtMs = 0;
  /** Reconnects of the subscriptions this feed closed after they failed, and its own re-openings. */
  private priorReconnects = 0;
  private lastError: string | undefined;
  private retryingSince = new Date();

  constructor(
    private readonly store: EventStore,
    private readonly onRevoked: (keyId: string) => void,
  ) {}

  /** True while revocations arrive as they are recorded. */
  get following(): boolean {
    return this.state === 'FOLLOWING';
  }

  /** Where the feed's subscription stands, over its re-openings; undefined before it first opened. */
  get subscriptionStatus(): SubscriptionStatus | undefined {
    if (this.state === 'RETRYING') {
      return { state: 'reconnecting', position: this.after, reconnects: this.priorReconnects, lastError: this.lastError, since: this.retryingSince };
    }
    const current = this.subscription?.status;
    return current && { ...current, reconnects: this.priorReconnects + current.reconnects, lastError: current.lastError ?? this.lastError };
  }

  /** Opens the feed on first use; later calls share that opening. Never rejects. */
  start(): Promise<void> {
    if (this.state !== 'IDLE') return this.opened;
    this.state = 'OPENING';
    this.opened = this.open();
    return this.opened;
  }

  /** Closes the subscription and waits for its loop, so the process and the store can close. */
  async stop(): Promise<void> {
    this.state = 'STOPPED';
    clearTimeout(this.timer);
    await this.opened;
    await this.subscription?.close();
    await this.loop;
  }

  private async open(): Promise<void> {
    try {
      if (!this.positioned) {
        this.after = await this.store.headPosition();
        this.positioned = true;
      }
      if (this.state === 'STOPPED') return;
      const after = this.after;
      this.subscription = this.store.subscribeToAll({ ...(after ? { after } : {}), filter: { eventTypes: ['ApiKeyRevoked'] } });
      this.state = 'FOLLOWING';
      this.openedAtMs = Date.now();
      this.loop = this.follow(this.subscription);
      if (this.failures > 0) this.options.logger.log(`Following API key revocations again from ${after ?? 'the start of the log'}`);
    } catch (error) {
      this.failed(error);
    }
  }

  private async follow(subscription: EventSubscription): Promise<void> {
    try {
      for await (const event of subscription) {
        // The filter runs in the store; the check keeps the feed safe from a store that ignores it.
        if (event.type === 'ApiKeyRevoked') this.onRevoked((event.data as Extract<ApiKeyEvent, { type: 'ApiKeyRevoked' }>['data']).keyId);
        this.after = event.position;
      }
      if (this.state !== 'STOPPED') throw new Error('the subscription ended');
    } catch (error) {
      if (this.state !== 'STOPPED') this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (this.state === 'STOPPED') return;
    // A feed that ran a good while before failing starts its pauses over.
    if (Date.now() - this.openedAtMs > this.options.retryMaxMs) this.failures = 0;
    const pauseMs = Math.min(this.options.retryMaxMs, this.options.retryMinMs * 2 ** this.failures++);
    if (this.state !== 'RETRYING') this.retryingSince = new Date();
    this.state = 'RETRYING';
    const reason = error instanceof Error ? error.message : String(error);
    this.options.logger.error(`Following API key revocations failed (${reason}); cached keys are trusted only briefly until it re-opens in ${pauseMs} ms`);
    // This subscription is done with: its reconnects, and the re-opening to come, count from here on.
    const done = this.subscription;
    this.subscription = undefined;
    this.priorReconnects += (done?.status?.reconnects ?? 0) + 1;
    this.lastError = reason;
    void done?.close();
    this.timer = setTimeout(() => void this.reopen(), pauseMs);
    this.timer.unref();
  }

  private async reopen(): Promise<void> {
    if (this.state !== 'RETRYING') return;
    await this.loop;
    if (this.state === 'RETRYING') await this.open();
  }
}
