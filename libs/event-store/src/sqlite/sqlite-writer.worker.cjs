// The SQLite event store's writer thread. It owns the only write connection to the file and
// commits groups of appends in one transaction each, so committing (page writes, fsync) runs
// beside the main thread's work instead of blocking its event loop. It is plain CommonJS on
// purpose: a worker is started by Node itself, outside any TypeScript build or test transform.
// Everything it is sent has been validated, encoded and hashed by the main thread; it checks
// only what must be checked inside the transaction: that each stream is at the expected revision.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
// FULL makes every commit fsync the WAL before the main thread hears of it.
db.pragma('synchronous = FULL');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -65536');

const head = db.prepare('SELECT revision FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1').pluck();
const insert = db.prepare(
  'INSERT INTO events (event_id, stream_name, revision, type, category, data, metadata, chain_hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
);

function insertAll(rows) {
  let position = 0;
  for (const row of rows) position = Number(insert.run(row).lastInsertRowid);
  return position;
}

// A batch of several events gets a savepoint, so a failure midway leaves none of its rows.
const inSavepoint = db.transaction(insertAll);

/** One append: `expected` is -1 for "no stream"; the answer is a position, a conflict or an error. */
function appendOne(append) {
  try {
    const actual = head.get(append.stream);
    const at = actual === undefined ? -1 : actual;
    if (at !== append.expected) return { conflict: at };
    return { position: append.rows.length > 1 ? inSavepoint(append.rows) : insertAll(append.rows) };
  } catch (error) {
    return { error: { code: error.code, message: error.message } };
  }
}

const inGroup = db.transaction((appends) => appends.map(appendOne));

parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    parentPort.postMessage({ id: message.id, results: inGroup.immediate(message.appends) });
  } catch (error) {
    // The commit itself failed (disk full, I/O error): nothing of the group is durable.
    parentPort.postMessage({ id: message.id, failed: { code: error.code, message: error.message } });
  }
});
