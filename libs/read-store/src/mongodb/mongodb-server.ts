/**
 * Which server answers, and so which write path the adapter takes. FerretDB 1.24 (the tests'
 * Mongo-wire server) names itself in `buildInfo` (`ferretdbVersion`, `ferretdbFeatures`) and has
 * no update pipelines, no `$$NOW` and no transactions; it also locked up under concurrent bulk
 * writes and stops an unordered bulk write at its first error. Real MongoDB has none of these
 * limits from 4.2 on, and transactions on a replica set or a sharded cluster (`hello` names the
 * set in `setName`; a mongos answers `msg: "isdbgrid"`).
 */
import type { Db, Document } from 'mongodb';
import { ReadStoreUnavailableError } from '../read-store.errors.js';

export interface ServerProfile {
  readonly kind: 'ferretdb' | 'mongodb';
  readonly version: string;
  /**
   * `pipeline`: update pipelines with `$$NOW`, one guarded upsert per document, batches written
   * concurrently. `compatible`: FerretDB's workaround (two error-free passes, one batch at a time
   * per store) and lease times read from `hello.localTime`.
   */
  readonly writePath: 'pipeline' | 'compatible';
  /** Documents, checkpoint and lease check of a batch commit in one transaction. */
  readonly transactions: boolean;
}

function isFerretDb(buildInfo: Document): boolean {
  return Object.keys(buildInfo).some((key) => key.toLowerCase().startsWith('ferretdb'));
}

function atLeast(versionArray: unknown, major: number, minor: number): boolean {
  if (!Array.isArray(versionArray)) return false;
  const [have, haveMinor] = versionArray as number[];
  return (have ?? 0) > major || ((have ?? 0) === major && (haveMinor ?? 0) >= minor);
}

/** The path for a server, from its `buildInfo` and `hello` answers. */
export function profileOf(buildInfo: Document, hello: Document): ServerProfile {
  if (isFerretDb(buildInfo)) {
    const version = typeof buildInfo.ferretdbVersion === 'string' ? buildInfo.ferretdbVersion : String(buildInfo.version);
    return { kind: 'ferretdb', version, writePath: 'compatible', transactions: false };
  }
  const version = String(buildInfo.version);
  // $$NOW and update pipelines arrived in 4.2; so did transactions on sharded clusters.
  const pipeline = atLeast(buildInfo.versionArray, 4, 2);
  const replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  const sessions = typeof hello.logicalSessionTimeoutMinutes === 'number';
  return { kind: 'mongodb', version, writePath: pipeline ? 'pipeline' : 'compatible', transactions: pipeline && replicated && sessions };
}

export async function detectServer(db: Db): Promise<ServerProfile> {
  const admin = db.admin();
  const [buildInfo, hello] = await Promise.all([admin.command({ buildInfo: 1 }), admin.command({ hello: 1 })]);
  return profileOf(buildInfo, hello);
}

/** The server's clock now, for servers without `$$NOW` (see MongoLeases). */
export async function serverTime(db: Db): Promise<Date> {
  const hello = await db.admin().command({ hello: 1 });
  if (!(hello.localTime instanceof Date)) throw new ReadStoreUnavailableError('The server does not report its time (hello.localTime), which its leases need');
  return hello.localTime;
}
