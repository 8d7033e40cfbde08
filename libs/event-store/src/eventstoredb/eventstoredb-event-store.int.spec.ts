// Runs the shared event store contract against a real EventStoreDB/KurrentDB server, named by
// EVENTSTOREDB_URL (for example kurrentdb://localhost:2113?tls=false). Every test opens its own
// client; the contract uses fresh stream categories, so a shared, long-lived server is fine.
// Without the variable the run shows one passing "skipped: EVENTSTOREDB_URL not set" line.
import { eventStoreContract } from '../contract/event-store.contract.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter.js';

const url = process.env.EVENTSTOREDB_URL;

if (url) {
  eventStoreContract('EventStoreDB', {
    open: () => Promise.resolve(new EventStoreDbEventStore(url)),
    dispose: (store) => store.close(),
  });
} else {
  eventStoreContract('EventStoreDB', undefined, 'EVENTSTOREDB_URL not set');
}
