/**
 * Checks bearer keys. A valid key is remembered so that a busy dashboard does not read its
 * stream on every request, and the revocation feed makes a revocation recorded by any process
 * take effect here within the store's delivery delay (see revocation-feed.ts). The cache's time
 * limit is only the backstop: 30 s while the feed follows the log, 1 s while it is re-opening
 * after a failure.
 */
import { Injectable } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { apiKeyDecider, apiKeyStreamName, foldEvents } from '@ledger/domain';
import type { Actor, ApiKeyEvent, ApiKeyRole } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { SubscriptionStatus } from '@ledger/event-store';
import { Clock } from '../clock.port.js';
import { apiKeyIdOf, hashApiKey, sameHash } from './api-key-secrets.js';
import { RevocationFeed } from './revocation-feed.js';
import type { RevocationFeedOptions } from './revocation-feed.js';

/** Who is calling, once the key checked out. */
export interface Principal {
  readonly tenant: string;
  readonly role: ApiKeyRole;
  readonly keyId: string;
  readonly actor: Actor;
}

interface CachedKey {
  readonly principal: Principal;
  readonly hash: string;
  readonly cachedAtMs: number;
}

@Injectable()
export class ApiKeyAuthenticator implements OnModuleDestroy {
  static readonly CACHE_MS = 30_000;
  static readonly UNFOLLOWED_CACHE_MS = 1_000;
  private static readonly MAX_CACHED = 10_000;
  private readonly cache = new Map<string, CachedKey>();
  /** Keys the feed reported revoked since it opened, so a read that raced the revocation is not cached. */
  private readonly revoked = new Set<string>();
  private readonly feed: RevocationFeed;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {
    this.feed = new RevocationFeed(store, (keyId) => this.refuse(keyId));
  }

  /** Tunes the revocation feed (tests shorten its pauses and catch its messages). */
  configure(options: Partial<RevocationFeedOptions>): this {
    this.feed.options = { ...this.feed.options, ...options };
    return this;
  }

  /** True while revocations of other processes reach this one as they are recorded. */
  get followingRevocations(): boolean {
    return this.feed.following;
  }

  /** Where the revocation feed's subscription stands, for health and metrics; undefined before the first key is checked. */
  get revocationSubscription(): SubscriptionStatus | undefined {
    return this.feed.subscriptionStatus;
  }

  async authenticate(key: string): Promise<Principal | undefined> {
    const keyId = apiKeyIdOf(key);
    if (keyId === undefined || this.revoked.has(keyId)) return undefined;
    const hash = hashApiKey(key);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(keyId);
    if (cached && now - cached.cachedAtMs < this.cacheMs()) return sameHash(cached.hash, hash) ? cached.principal : undefined;
    // The feed is opened (lazily, so start-up and the CLI never wait for it) before the stream is
    // read: a revocation the read misses is then one the feed delivers.
    await this.feed.start();
    const events = await this.store.readStream(apiKeyStreamName(keyId));
    const state = foldEvents(
      apiKeyDecider,
      events.map(({ type, data }) => ({ type, data }) as ApiKeyEvent),
    );
    if (state.status !== 'ACTIVE' || !sameHash(state.secretHash, hash) || this.revoked.has(keyId)) return undefined;
    const principal: Principal = { tenant: state.tenantId, role: state.role, keyId, actor: { kind: 'API_KEY', id: keyId } };
    if (this.cache.size >= ApiKeyAuthenticator.MAX_CACHED) this.cache.clear();
    this.cache.set(keyId, { principal, hash: state.secretHash, cachedAtMs: now });
    return principal;
  }

  /** A key revoked here or reported by the feed: refused from now on, without reading its stream. */
  refuse(keyId: string): void {
    this.cache.delete(keyId);
    this.revoked.add(keyId);
    if (this.revoked.size > ApiKeyAuthenticator.MAX_CACHED) this.revoked.delete(this.revoked.values().next().value!);
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }

  private cacheMs(): number {
    return this.feed.following ? ApiKeyAuthenticator.CACHE_MS : ApiKeyAuthenticator.UNFOLLOWED_CACHE_MS;
  }
}
