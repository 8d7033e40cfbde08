// Goal: the shared event store contract holds on KurrentDB. Method: against the server named by
// EVENTSTOREDB_URL when it is set (for example the docker compose stack, the check against the
// real server), otherwise against the in-process KurrentDB test double, which speaks KurrentDB's
// gRPC protocol to the real client (its JavaScript half and its native bridge), so CI runs the
// whole contract with no skip. Every test opens its own store; the contract uses fresh stream
// categories, so one long-lived server for the file is fine.
import { eventStoreContract } from '../contract/event-store.contract.js';
// The double lives in the testing library; its folder has its own index (see its header).
import { KurrentDbDouble } from '../../../testing/src/kurrentdb-double/index.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter.js';

const configured = process.env.EVENTSTOREDB_URL;
let double: KurrentDbDouble | undefined;

beforeAll(async () => {
  if (!configured) double = await KurrentDbDouble.start();
});

afterAll(async () => {
  await double?.stop();
});

eventStoreContract(configured ? 'EventStoreDB' : 'EventStoreDB on the KurrentDB test double', {
  open: () => Promise.resolve(new EventStoreDbEventStore(configured ?? double!.url)),
  dispose: (store) => store.close(),
});
