/** Chooses the event store adapter the configuration names. */
import type { Configuration } from '@ledger/config';
import type { EventStore } from './event-store.port.js';
import { EventSerde } from './serde.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.adapter.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.adapter.js';

export function createEventStore(config: Pick<Configuration, 'eventStore'>, serde = new EventSerde()): EventStore {
  switch (config.eventStore.kind) {
    case 'sqlite':
      return new SqliteEventStore({ file: config.eventStore.file, serde });
    case 'eventstoredb':
      return new EventStoreDbEventStore(config.eventStore.url, serde);
  }
}
