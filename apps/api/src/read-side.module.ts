/**
 * The read side in the API process (embedded mode): the configured read store and a projector
 * host that keeps every read model caught up with the log while the API runs, and the leases
 * (kept in the read store) that let one instance at a time run each projection, process manager
 * and periodic job, under one lease owner per process.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { ProcessManagerLeases, ProjectorHost } from '@ledger/application';
import type { ProjectorHostOptions } from '@ledger/application';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, createReadStore } from '@ledger/read-store';

/**
 * On the embedded read store one API process serves a data directory, so its lease owner is the
 * directory itself: after a crash the restarted API takes its leases back at once instead of
 * waiting for them to expire. With MongoDB, API processes are many and each is its own owner.
 * Two processes on one data directory would share that owner, and both would run everything;
 * they must be given distinct owners (the tests that do this override LEASE_SETTINGS).
 */
export function hostOptions(config: Configuration): ProjectorHostOptions {
  const owner = config.mongodbUrl ? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` : `embedded:${hostname()}:${config.dataDir}`;
  return { lease: { owner } };
}

/** This process's lease owner and ttl, shared by the projector host and the process managers. */
export const LEASE_SETTINGS = 'LEASE_SETTINGS';
type LeaseSettings = NonNullable<ProjectorHostOptions['lease']>;

@Global()
@Module({})
export class ReadSideModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(ProjectorHost) private readonly host: ProjectorHost) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: ReadSideModule,
      providers: [
        { provide: ReadStore, useFactory: () => createReadStore(config) },
        { provide: LEASE_SETTINGS, useFactory: () => hostOptions(config).lease },
        {
          provide: ProjectorHost,
          useFactory: (events: EventStore, reads: ReadStore, lease: LeaseSettings) => new ProjectorHost(events, reads, allProjections, { lease }),
          inject: [EventStore, ReadStore, LEASE_SETTINGS],
        },
        {
          provide: ProcessManagerLeases,
          useFactory: (reads: ReadStore, lease: LeaseSettings) => new ProcessManagerLeases(reads, lease),
          inject: [ReadStore, LEASE_SETTINGS],
        },
      ],
      exports: [ReadStore, ProjectorHost, ProcessManagerLeases],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
  }

  /** Projections stop before any store closes (stores close in onApplicationShutdown, after this). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.host.reads.close();
  }
}
