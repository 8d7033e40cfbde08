/**
 * Leases on the `compatible` path (FerretDB, MongoDB before 4.2), where a findAndModify or an
 * update is not atomic: FerretDB 1.24 on SQLite reads the document, then writes it back without
 * checking it is unchanged (FerretDB issue #3040; measured here: two owners both took one expired
 * lease). The one thing such a server does decide atomically is a unique `_id`, so every grant is
 * a document of its own in `_lease_grants`, `{ _id: "<lease>#<token>", lease, token, owner,
 * expiresAt }`: taking the lease is inserting the next token's document, and of owners racing
 * for it exactly one insert succeeds. The lease's state is its highest token's document; older
 * ones are removed.
 *
 * Time is the server's (`hello.localTime`), read before deciding. Reading it first can only make
 * the lease look younger than it is (a takeover waits a round trip longer) and a new expiry
 * earlier (the holder's own deadline, counted from before the request, is earlier still).
 */
import type { Collection, Db } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { LeaseLostError } from '../read-store.errors.js';
import type { LeaseFence, LeaseGrant, LeaseHolder, LeaseRequest } from '../read-store.port.js';
import { DUPLICATE_KEY, RELEASED, type Leases } from './mongodb-leases.js';
import { serverTime } from './mongodb-server.js';

export const LEASE_GRANTS = '_lease_grants';

interface GrantDoc {
  _id: string;
  lease: string;
  token: number;
  owner: string;
  expiresAt: Date;
}

const idOf = (lease: string, token: number): string => `${lease}#${token}`;
const grantOf = (doc: GrantDoc): LeaseGrant => ({ lease: doc.lease, owner: doc.owner, token: doc.token, expiresAtMs: doc.expiresAt.getTime() });

export class GrantLeases implements Leases {
  private readonly grants: Collection<GrantDoc>;

  constructor(
    private readonly db: Db,
    private readonly maxTimeMS: number,
  ) {
    this.grants = db.collection<GrantDoc>(LEASE_GRANTS);
  }

  /** The lease's current grant: the document with the highest token. */
  private async latest(lease: string): Promise<GrantDoc | null> {
    const [doc] = await this.grants.find({ lease }, { sort: { token: -1 }, limit: 1, maxTimeMS: this.maxTimeMS }).toArray();
    return doc ?? null;
  }

  async acquire(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    const now = await serverTime(this.db);
    const expiresAt = new Date(now.getTime() + request.ttlMs);
    const current = await this.latest(request.lease);
    const live = current !== null && current.owner !== RELEASED && current.expiresAt > now;
    if (live && current.owner === request.owner) return this.renew(current, expiresAt);
    if (live) return undefined;
    return this.take(request, (current?.token ?? 0) + 1, expiresAt);
  }

  /**
   * Only the holder writes its own grant's document, so extending it cannot collide with another
   * owner; a takeover that raced it shows as a higher token, and then this is no renewal.
   */
  private async renew(current: GrantDoc, expiresAt: Date): Promise<LeaseGrant | undefined> {
    await this.grants.updateOne({ _id: current._id, owner: current.owner }, { $set: { expiresAt } });
    const after = await this.latest(current.lease);
    return after?.token === current.token && after.owner === current.owner ? grantOf({ ...after, expiresAt }) : undefined;
  }

  private async take(request: LeaseRequest, token: number, expiresAt: Date): Promise<LeaseGrant | undefined> {
    const doc: GrantDoc = { _id: idOf(request.lease, token), lease: request.lease, token, owner: request.owner, expiresAt };
    try {
      await this.grants.insertOne(doc);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return undefined;
      throw error;
    }
    // Superseded grants fence nothing any more; removing them keeps `latest` to a document or two.
    await this.grants.deleteMany({ lease: request.lease, token: { $lt: token } });
    return grantOf(doc);
  }

  async release(fence: LeaseFence): Promise<void> {
    await this.grants.updateOne({ _id: idOf(fence.lease, fence.token), owner: fence.owner }, { $set: { owner: RELEASED, expiresAt: new Date(0) } });
  }

  async holder(lease: string): Promise<LeaseHolder | undefined> {
    const current = await this.latest(lease);
    return current && current.owner !== RELEASED ? { owner: current.owner, token: current.token, expiresAtMs: current.expiresAt.getTime() } : undefined;
  }

  /** Without transactions the check is a read just before the writes (see mongodb-batches.ts). */
  async assertHeld(fence: LeaseFence): Promise<void> {
    const current = fence.token > 0 ? await this.latest(fence.lease) : null;
    if (current?.token !== fence.token || current.owner !== fence.owner) throw new LeaseLostError(fence.lease, fence.owner);
  }
}
