/**
 * One API instance's background work, built by hand for readiness specs: a projector host with
 * one projection, one process manager under its lease, the API-key authenticator (whose revocation
 * feed opens on the first key checked), and the health controller and subscription health over
 * them, as the app wires them. The event store is the test's; `route` may send some consumers'
 * subscriptions to another store (a second handle on the same SQLite file, which a test can close
 * under them while the first keeps answering).
 */
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ApiKeyAuthenticator, ProcessManagerLeases, ProjectorHost, SystemClock } from '@ledger/application';
import type { LeasedGroup, ProjectorHostOptions } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import type { AppendResult, ExpectedRevision, NewEvent, ReadAllOptions, ReadStreamOptions, StreamMetadata, SubscribeToAllOptions } from '@ledger/event-store';
import { alreadyApplied } from '@ledger/projections';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { HealthController } from './health.controller.js';
import { SubscriptionHealth } from './subscription-health.js';

export const counts: Projection = {
  name: 'counts',
  version: 1,
  collections: ['per_tenant'],
  eventTypes: ['Paid'],
  refs: (event) => [{ collection: 'per_tenant', key: event.tenant }],
  evolve: (docs, event) => {
    const doc = docs.get('per_tenant', event.tenant);
    if (alreadyApplied(doc, event)) return [];
    return [{ collection: 'per_tenant', key: event.tenant, doc: { count: ((doc?.count as number | undefined) ?? 0) + 1, position: event.position } }];
  },
};

export const paid = (): NewEvent => ({ id: randomUUID(), type: 'Paid', data: {}, metadata: { tenant: 'acme' } });

/** A well-formed key nobody created: checking it opens the revocation feed and finds nothing. */
export const UNKNOWN_KEY = `lk_${'0'.repeat(16)}_${'a'.repeat(43)}`;

/** Every call goes to `main`, but subscriptions go where `route` says. */
export class SubscribingElsewhere extends EventStore {
  constructor(
    private readonly main: EventStore,
    private readonly route: (options: SubscribeToAllOptions) => EventStore,
  ) {
    super();
  }
  appendToStream(stream: string, events: readonly NewEvent[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    return this.main.appendToStream(stream, events, options);
  }
  readStream(stream: string, options?: ReadStreamOptions) {
    return this.main.readStream(stream, options);
  }
  readAll(options?: ReadAllOptions) {
    return this.main.readAll(options);
  }
  subscribeToAll(options: SubscribeToAllOptions = {}) {
    return this.route(options).subscribeToAll(options);
  }
  setStreamMetadata(stream: string, metadata: StreamMetadata): Promise<void> {
    return this.main.setStreamMetadata(stream, metadata);
  }
  getStreamMetadata(stream: string) {
    return this.main.getStreamMetadata(stream);
  }
  headPosition() {
    return this.main.headPosition();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class ReadinessBed {
  readonly projector: ProjectorHost;
  readonly keys: ApiKeyAuthenticator;
  readonly health: SubscriptionHealth;
  readonly controller: HealthController;
  private readonly managers: LeasedGroup;

  constructor(store: EventStore, reads: ReadStore, options: ProjectorHostOptions = {}) {
    const lease = { owner: `readiness-${randomUUID().slice(0, 8)}`, ttlMs: 60_000 };
    this.projector = new ProjectorHost(store, reads, [counts], { pollMs: 20, lease, ...options });
    const leases = new ProcessManagerLeases(reads, lease);
    this.managers = leases.managers(store, [{ name: 'counter', eventTypes: ['Paid'], handle: () => Promise.resolve('counted') }]);
    this.keys = new ApiKeyAuthenticator(store, new SystemClock());
    this.health = new SubscriptionHealth(this.projector, leases, this.keys);
    this.controller = new HealthController(store, this.projector, leases, this.health);
  }

  async start(): Promise<void> {
    await this.projector.start();
    await this.managers.start();
    await this.keys.authenticate(UNKNOWN_KEY);
  }

  /** GET /health/ready: the status code and the body. */
  async ready(): Promise<{ code: number; status: string; checks: Record<string, string> }> {
    let code = 0;
    const response = { status: (status: number) => ((code = status), response) };
    const body = await this.controller.ready(response as unknown as Response);
    return { code, ...body };
  }

  async stop(): Promise<void> {
    await this.keys.onModuleDestroy();
    await this.managers.stop();
    await this.projector.stop();
  }
}
