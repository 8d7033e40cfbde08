/**
 * The read side in the API process (embedded mode): the configured read store and a projector
 * host that keeps every read model caught up with the log while the API runs.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { ProjectorHost } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, createReadStore } from '@ledger/read-store';

@Global()
@Module({})
export class ReadSideModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(ProjectorHost) private readonly host: ProjectorHost) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: ReadSideModule,
      providers: [
        { provide: ReadStore, useFactory: () => createReadStore(config) },
        { provide: ProjectorHost, useFactory: (events: EventStore, reads: ReadStore) => new ProjectorHost(events, reads, allProjections), inject: [EventStore, ReadStore] },
      ],
      exports: [ReadStore, ProjectorHost],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.host.stop();
    await this.host.reads.close();
  }
}
