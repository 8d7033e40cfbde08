/**
 * Nest wiring for the event store port: the adapter is chosen by configuration (EventStoreDB
 * when EVENTSTOREDB_URL is set, the embedded SQLite file otherwise) and closed on shutdown.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { EventStore } from './event-store.port.js';
import { createEventStore } from './event-store.factory.js';

@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EventStore, useFactory: () => createEventStore(config) }],
      exports: [EventStore],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
