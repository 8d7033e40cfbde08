/**
 * The read side in the API process (embedded mode): the configured read store and a projector
 * host that keeps every read model caught up with the log while the API runs.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { ProjectorHost } from '@ledger/application';
import type { ProjectorHostOptions } from '@ledger/application';
import { hostname } from 'node:os';
import { EventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, createReadStore } from '@ledger/read-store';

/**
 * On the embedded read store only this process writes the data directory, so its lease owner is
 * the directory itself: after a crash the restarted API takes its leases back at once instead of
 * waiting for them to expire. With MongoDB, API processes are many and each is its own owner.
 */
export function hostOptions(config: Configuration): ProjectorHostOptions {
  return config.mongodbUrl ? {} : { lease: { owner: `embedded:${hostname()}:${config.dataDir}` } };
}

@Global()
@Module({})
export class ReadSideModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(@Inject(ProjectorHost) private readonly host: ProjectorHost) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: ReadSideModule,
      providers: [
        { provide: ReadStore, useFactory: () => createReadStore(config) },
        { provide: ProjectorHost, useFactory: (events: EventStore, reads: ReadStore) => new ProjectorHost(events, reads, allProjections, hostOptions(config)), inject: [EventStore, ReadStore] },
      ],
      exports: [ReadStore, ProjectorHost],
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
