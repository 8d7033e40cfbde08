/**
 * Leases on MongoDB 4.2+ (the `pipeline` path; FerretDB takes mongodb-lease-grants.ts): one
 * document per lease in `_leases`, `{ _id: lease, owner, token, expiresAt }`, judged by the
 * server's clock only (`$$NOW`), never by the clocks of the hosts that take them, which disagree.
 * A grant is one findOneAndUpdate with an update pipeline, atomic on the document as MongoDB
 * documents findAndModify to be: a renewal by the live holder keeps the token, any other grant
 * increments it, so every batch can be fenced by it (`assertHeld`). A release keeps the document
 * with an empty owner, so tokens never go back.
 */
import { MongoServerError, type ClientSession, type Collection, type Db, type Document } from 'mongodb';
import { LeaseLostError } from '../read-store.errors.js';
import type { LeaseFence, LeaseGrant, LeaseHolder, LeaseRequest } from '../read-store.port.js';

export const LEASES = '_leases';
export const DUPLICATE_KEY = 11000;
/** The owner of a released lease: owner names are never empty. */
export const RELEASED = '';

/** What the adapter asks of a lease book, whichever the server's path. */
export interface Leases {
  acquire(request: LeaseRequest): Promise<LeaseGrant | undefined>;
  release(fence: LeaseFence): Promise<void>;
  holder(lease: string): Promise<LeaseHolder | undefined>;
  /** Refuses with LeaseLostError unless the fence's grant is the lease's current one. */
  assertHeld(fence: LeaseFence, session?: ClientSession): Promise<void>;
}

export interface LeaseDoc {
  _id: string;
  owner: string;
  token: number;
  expiresAt: Date;
  /** When the last fenced transaction wrote under this grant (see assertHeld). */
  fencedAt?: Date;
}

function grantOf(doc: LeaseDoc | null, request: LeaseRequest): LeaseGrant | undefined {
  if (doc?.owner !== request.owner || !(doc.expiresAt instanceof Date)) return undefined;
  return { lease: request.lease, owner: doc.owner, token: doc.token, expiresAtMs: doc.expiresAt.getTime() };
}

/**
 * One update for the whole decision. Every expression of a `$set` stage reads the document as it
 * was, so `live` and `takeable` judge the old owner and expiry. Strings from callers are wrapped
 * in `$literal`, so an owner beginning with `$` is never read as a field path.
 */
export function grantPipeline(request: LeaseRequest): Document[] {
  const owner = { $literal: request.owner };
  const ours = { $eq: ['$owner', owner] };
  const lapsed = { $lte: [{ $ifNull: ['$expiresAt', null] }, '$$NOW'] };
  const live = { $and: [ours, { $not: [lapsed] }] };
  const takeable = { $or: [ours, { $eq: [{ $ifNull: ['$owner', RELEASED] }, RELEASED] }, lapsed] };
  const nextToken = { $cond: [live, '$token', { $add: [{ $ifNull: ['$token', 0] }, 1] }] };
  return [
    {
      $set: {
        token: { $cond: [takeable, nextToken, '$token'] },
        owner: { $cond: [takeable, owner, '$owner'] },
        expiresAt: { $cond: [takeable, { $add: ['$$NOW', request.ttlMs] }, '$expiresAt'] },
      },
    },
  ];
}

export class PipelineLeases implements Leases {
  private readonly leases: Collection<LeaseDoc>;

  constructor(
    db: Db,
    private readonly maxTimeMS: number,
  ) {
    this.leases = db.collection<LeaseDoc>(LEASES);
  }

  async acquire(request: LeaseRequest): Promise<LeaseGrant | undefined> {
    try {
      const options = { upsert: true, returnDocument: 'after', maxTimeMS: this.maxTimeMS } as const;
      return grantOf(await this.leases.findOneAndUpdate({ _id: request.lease }, grantPipeline(request), options), request);
    } catch (error) {
      // Two owners upserting a lease nobody held yet: the loser collides with the winner's document.
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return undefined;
      throw error;
    }
  }

  async release(fence: LeaseFence): Promise<void> {
    await this.leases.updateOne({ _id: fence.lease, owner: fence.owner, token: fence.token }, { $set: { owner: RELEASED, expiresAt: new Date(0) } });
  }

  async holder(lease: string): Promise<LeaseHolder | undefined> {
    const found = await this.leases.findOne({ _id: lease }, { maxTimeMS: this.maxTimeMS });
    if (!found || found.owner === RELEASED || !(found.expiresAt instanceof Date)) return undefined;
    return { owner: found.owner, token: found.token, expiresAtMs: found.expiresAt.getTime() };
  }

  /**
   * Refuses the batch unless its grant is still the current one. Inside a transaction the check is
   * a write to the lease document, not a read: snapshot isolation lets a transaction commit over
   * a document it only read and another writer changed meanwhile, but not over one it wrote. So a
   * takeover either happens before (the token no longer matches), conflicts (the transaction is
   * retried and then sees it), or waits for the commit: the batch lands entirely under the lease.
   */
  async assertHeld(fence: LeaseFence, session?: ClientSession): Promise<void> {
    const filter = { _id: fence.lease, owner: fence.owner, token: fence.token };
    const held =
      fence.token > 0 &&
      (session
        ? (await this.leases.updateOne(filter, { $currentDate: { fencedAt: true } }, { session })).matchedCount === 1
        : (await this.leases.findOne(filter, { maxTimeMS: this.maxTimeMS, projection: { _id: 1 } })) !== null);
    if (!held) throw new LeaseLostError(fence.lease, fence.owner);
  }
}
