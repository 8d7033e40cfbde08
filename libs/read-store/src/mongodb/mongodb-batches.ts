/**
 * How a batch reaches the server, by the path the server gets (mongodb-server.ts):
 *
 * - with transactions (MongoDB 4.2+ on a replica set or sharded cluster): the lease check, the
 *   documents and the checkpoint commit together or not at all, as in the SQLite adapter;
 * - without (FerretDB, a standalone MongoDB): the lease token is checked just before the writes
 *   and the checkpoint is advanced with `$max` after all of them were acknowledged. A crash or a
 *   failed write in between leaves the checkpoint behind, so the batch is written again, which
 *   the position guards make harmless. What this path cannot exclude is a replaced holder whose
 *   batch passed the check just before the takeover: it writes the documents of the same events
 *   the new holder writes, which the guards keep from going backwards.
 */
import { MongoError, MongoErrorLabel, type ClientSession, type Db, type MongoClient } from 'mongodb';
import type { ApplyBatch, DocumentWrite } from '../read-store.port.js';
import { collapseWrites } from '../validation.js';
import type { StoredDoc } from './mongodb-find.js';
import type { Leases } from './mongodb-leases.js';
import type { ServerProfile } from './mongodb-server.js';
import type { MongoTimeouts } from './mongodb-timeouts.js';
import { upsertCollection } from './mongodb-upserts.js';
import { writeCollection } from './mongodb-writes.js';

export const CHECKPOINTS = '_checkpoints';
/** A write conflict with a renewal of the same lease is expected now and then; beyond this, the runner's backoff takes over. */
const TRANSACTION_ATTEMPTS = 3;

export interface CheckpointDoc {
  _id: string;
  position: string;
}

export interface BatchTarget {
  readonly client: MongoClient;
  readonly db: Db;
  readonly leases: Leases;
  readonly timeouts: MongoTimeouts;
}

function byCollection(batch: ApplyBatch): Map<string, DocumentWrite[]> {
  const grouped = new Map<string, DocumentWrite[]>();
  for (const write of collapseWrites(batch.writes)) {
    const list = grouped.get(write.collection) ?? [];
    list.push(write);
    grouped.set(write.collection, list);
  }
  return grouped;
}

async function writeDocuments(target: BatchTarget, server: ServerProfile, batch: ApplyBatch, session?: ClientSession): Promise<void> {
  const collections = [...byCollection(batch)].map(([name, writes]) => ({ collection: target.db.collection<StoredDoc>(name), writes }));
  if (server.writePath === 'compatible') {
    for (const { collection, writes } of collections) await writeCollection(collection, writes);
  } else if (session) {
    // Operations of one transaction share its session and must not overlap.
    for (const { collection, writes } of collections) await upsertCollection(collection, writes, session);
  } else {
    await Promise.all(collections.map(({ collection, writes }) => upsertCollection(collection, writes)));
  }
}

async function advance(target: BatchTarget, projection: string, batch: ApplyBatch, session?: ClientSession): Promise<void> {
  await target.db
    .collection<CheckpointDoc>(CHECKPOINTS)
    .updateOne({ _id: projection }, { $max: { position: batch.checkpoint } }, { upsert: true, ...(session ? { session } : {}) });
}

/**
 * Runs `work` in a transaction and commits it; a transaction the server calls transient (a write
 * conflict, a failover before the commit) is run again a few times. Committing waits for a
 * majority at most `operationMs`; a commit whose outcome is unknown fails the batch (retried later,
 * harmlessly) rather than being taken for done.
 */
async function inTransaction(target: BatchTarget, work: (session: ClientSession) => Promise<void>): Promise<void> {
  const session = target.client.startSession();
  const { operationMs } = target.timeouts;
  try {
    for (let attempt = 1; ; attempt++) {
      session.startTransaction({ writeConcern: { w: 'majority', wtimeoutMS: operationMs }, maxCommitTimeMS: operationMs });
      try {
        await work(session);
        await session.commitTransaction();
        return;
      } catch (error) {
        if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
        const transient = error instanceof MongoError && error.hasErrorLabel(MongoErrorLabel.TransientTransactionError);
        if (!transient || attempt >= TRANSACTION_ATTEMPTS) throw error;
      }
    }
  } finally {
    await session.endSession();
  }
}

export async function applyBatch(target: BatchTarget, server: ServerProfile, projection: string, batch: ApplyBatch): Promise<void> {
  if (server.transactions) {
    return inTransaction(target, async (session) => {
      // First, so a takeover racing this batch conflicts with it (see MongoLeases.assertHeld).
      if (batch.fence) await target.leases.assertHeld(batch.fence, session);
      await writeDocuments(target, server, batch, session);
      await advance(target, projection, batch, session);
    });
  }
  if (batch.fence) await target.leases.assertHeld(batch.fence);
  await writeDocuments(target, server, batch);
  await advance(target, projection, batch);
}
