// The whole-log audit on a real SQLite file: an untouched log verifies, and rows altered,
// reordered or deleted behind the store's back (as a tampered export would be) are reported.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditLog } from '../audit.js';
import { SqliteEventStore } from './sqlite-event-store.adapter.js';

describe('auditing the log', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-audit-'));
    file = join(dir, 'events.db');
    const store = new SqliteEventStore({ file });
    for (const stream of ['booking-1', 'booking-2']) {
      await store.appendToStream(stream, [0, 1, 2].map((n) => ({ id: randomUUID(), type: 'Charged', data: { amountMinor: 1000 + n } })), {
        expectedRevision: 'no_stream',
      });
    }
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function audit() {
    const store = new SqliteEventStore({ file });
    try {
      return await auditLog(store);
    } finally {
      await store.close();
    }
  }

  function tamper(sql: string): void {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  }

  it('verifies an untouched log', async () => {
    expect(await audit()).toEqual({ events: 6, streams: 2, broken: [] });
  });

  it('reports an amount altered in place', async () => {
    tamper(`UPDATE events SET data = '{"amountMinor":1}' WHERE stream_name = 'booking-2' AND revision = 1`);
    const result = await audit();
    expect(result.broken).toEqual([expect.objectContaining({ streamName: 'booking-2', revision: 1, reason: expect.stringMatching(/content/) as unknown })]);
  });

  it('reports an event deleted from the middle of a stream', async () => {
    tamper(`DELETE FROM events WHERE stream_name = 'booking-1' AND revision = 1`);
    const result = await audit();
    expect(result.broken).toEqual([expect.objectContaining({ streamName: 'booking-1', revision: 2, reason: expect.stringMatching(/previous/) as unknown })]);
  });

  it('reports metadata rewritten after the fact', async () => {
    tamper(`UPDATE events SET metadata = json_set(metadata, '$.actor', 'someone-else') WHERE stream_name = 'booking-1' AND revision = 0`);
    expect((await audit()).broken.map((b) => [b.streamName, b.revision])).toEqual([['booking-1', 0]]);
  });
});
