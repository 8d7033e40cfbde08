/**
 * The production projector: a standalone process that keeps every read model caught up with the
 * configured event store (EventStoreDB in production) in the configured read store (MongoDB),
 * each projection in its active generation, until SIGTERM or SIGINT; it then finishes the page
 * in hand, stops following and closes the stores.
 */
import 'reflect-metadata';
import { Inject, Logger, Module } from '@nestjs/common';
import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProjectorHost } from '@ledger/application';
import { ConfigurationError, loadConfiguration } from '@ledger/config';
import type { Configuration } from '@ledger/config';
import { EventStore, EventStoreModule, EventStoreUnavailableError } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, createReadStore } from '@ledger/read-store';

@Module({})
class ProjectorModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');

  constructor(@Inject(ProjectorHost) private readonly host: ProjectorHost) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [EventStoreModule.forRoot(config)],
      providers: [
        { provide: ReadStore, useFactory: () => createReadStore(config) },
        { provide: ProjectorHost, useFactory: (events: EventStore, reads: ReadStore) => new ProjectorHost(events, reads, allProjections), inject: [EventStore, ReadStore] },
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.host.start();
    const running = this.host.status();
    this.logger.log(`Following the log for ${running.length} projections: ${running.map((p) => `${p.name}@${p.generation}`).join(', ')}`);
  }

  /** Projections stop before any store closes (stores close in onApplicationShutdown, after this). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.host.stop();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    await this.host.reads.close();
    this.logger.log(`Stopped${signal ? ` on ${signal}` : ''}.`);
  }
}

async function main(): Promise<void> {
  const config = loadConfiguration();
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  await app.init();
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError || error instanceof EventStoreUnavailableError ? error.message : error);
  process.exit(1);
});
