// Goal: each server gets the write path it can run, decided from what it says about itself. No
// real MongoDB runs here, so the choice for MongoDB is proven by feeding the decision the
// `buildInfo` and `hello` answers MongoDB documents (and FerretDB's, as captured from 1.24), and
// the MongoDB-only update shapes are checked for what would break them silently: caller strings
// read as field paths. The path itself runs against real MongoDB only in the compose stack.
import type { Document } from 'mongodb';
import { grantPipeline } from './mongodb-leases.js';
import { profileOf } from './mongodb-server.js';
import { clientOptions, DEFAULT_MONGO_TIMEOUTS } from './mongodb-timeouts.js';
import { guardedUpsert } from './mongodb-upserts.js';

const mongo = (version: string): Document => ({ version, versionArray: [...version.split('.').map(Number), 0], ok: 1 });
const replicaSetHello = { isWritablePrimary: true, setName: 'rs0', logicalSessionTimeoutMinutes: 30, localTime: new Date() };
const standaloneHello = { isWritablePrimary: true, logicalSessionTimeoutMinutes: 30, localTime: new Date() };
const mongosHello = { isWritablePrimary: true, msg: 'isdbgrid', logicalSessionTimeoutMinutes: 30 };

describe('the write path each server gets', () => {
  it('keeps FerretDB, which names itself in buildInfo, on the compatible path without transactions', () => {
    // FerretDB 1.24 claims MongoDB 7.0 in `version`: only its own fields tell it apart.
    const buildInfo = { ...mongo('7.0.42'), ferretdbVersion: 'v1.24.0', ferretdbFeatures: { aggregationStages: ['$match'] } };
    expect(profileOf(buildInfo, standaloneHello)).toEqual({ kind: 'ferretdb', version: 'v1.24.0', writePath: 'compatible', transactions: false });
  });

  it('gives MongoDB 4.2+ on a replica set the pipeline path with transactions', () => {
    expect(profileOf(mongo('8.0.4'), replicaSetHello)).toEqual({ kind: 'mongodb', version: '8.0.4', writePath: 'pipeline', transactions: true });
    expect(profileOf(mongo('4.2.0'), replicaSetHello)).toMatchObject({ writePath: 'pipeline', transactions: true });
  });

  it('gives a sharded cluster (mongos) transactions, and a standalone server none', () => {
    expect(profileOf(mongo('7.0.12'), mongosHello)).toMatchObject({ writePath: 'pipeline', transactions: true });
    expect(profileOf(mongo('7.0.12'), standaloneHello)).toMatchObject({ writePath: 'pipeline', transactions: false });
  });

  it('keeps MongoDB before 4.2 (no update pipelines, no $$NOW) on the compatible path', () => {
    expect(profileOf(mongo('4.0.28'), replicaSetHello)).toEqual({ kind: 'mongodb', version: '4.0.28', writePath: 'compatible', transactions: false });
  });
});

describe('the MongoDB update shapes', () => {
  it('stores a new version literally, so values beginning with $ are data, not field paths', () => {
    const op = guardedUpsert({ collection: 'c_v1', key: 'k', doc: { note: '$amountMinor', list: [] }, position: '00000000000000ff' as never });
    const update = (op as { updateOne: { update: Document[]; upsert: boolean } }).updateOne;
    expect(update.upsert).toBe(true);
    expect(JSON.stringify(update.update)).toContain('{"$literal":{"_id":"k","note":"$amountMinor","list":[],"_position":"00000000000000ff"}}');
  });

  it('takes the lease owner literally and reads the time from $$NOW only', () => {
    const pipeline = JSON.stringify(grantPipeline({ lease: 'projection:p', owner: '$intruder', ttlMs: 10_000 }));
    const mentions = pipeline.split('"$intruder"').length - 1;
    expect(mentions).toBeGreaterThan(0);
    expect(pipeline.split('{"$literal":"$intruder"}').length - 1).toBe(mentions);
    expect(pipeline).toContain('"$$NOW"');
    expect(pipeline).not.toMatch(/\d{13}/);
  });
});

describe('the bounds the client is built with', () => {
  it('waits at most operationMs for a majority, and bounds sockets and server selection', () => {
    expect(clientOptions(DEFAULT_MONGO_TIMEOUTS)).toEqual({
      writeConcern: { w: 'majority', wtimeoutMS: 5_000 },
      socketTimeoutMS: 15_000,
      serverSelectionTimeoutMS: 5_000,
      connectTimeoutMS: 5_000,
      waitQueueTimeoutMS: 5_000,
    });
  });
});
