// Goal: the driver's failures reach the projector as the port's errors, transient ones marked so
// (it retries them) and everything else unchanged (it stops and shows them). Method: the driver's
// own error classes, built as the driver builds them from a server's reply or a socket's failure.
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError, MongoWriteConcernError } from 'mongodb';
import { InvalidReadRequestError, ReadStoreTransientError } from '../read-store.errors.js';
import { toReadStoreError, writeConcernFailed } from './mongodb-errors.js';

describe('toReadStoreError', () => {
  it.each([
    ['a reset connection', new MongoNetworkError('connection 3 to 10.0.0.5:27017 closed'), 'CONNECTION'],
    ['a socket that stayed silent', new MongoNetworkTimeoutError('connection 3 to 10.0.0.5:27017 timed out'), 'TIMEOUT'],
    ['no reachable server', new MongoServerSelectionError('Server selection timed out after 5000 ms', { error: undefined } as never), 'CONNECTION'],
    ['a primary stepping down', new MongoServerError({ ok: 0, code: 189, codeName: 'PrimarySteppedDown', errmsg: 'primary stepped down' }), 'FAILOVER'],
    ['a node that is no longer primary', new MongoServerError({ ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }), 'FAILOVER'],
    ['the server time limit', new MongoServerError({ ok: 0, code: 50, codeName: 'MaxTimeMSExpired', errmsg: 'operation exceeded time limit' }), 'TIMEOUT'],
    [
      'a majority that did not confirm in time',
      new MongoWriteConcernError({ ok: 1, n: 3, writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } } }),
      'WRITE_CONCERN',
    ],
    ['a transaction to run again', new MongoServerError({ ok: 0, code: 112, codeName: 'WriteConflict', errmsg: 'write conflict', errorLabels: ['TransientTransactionError'] }), 'CONFLICT'],
  ])('marks %s as transient', (_what, error, reason) => {
    const mapped = toReadStoreError(error);
    expect(mapped).toBeInstanceOf(ReadStoreTransientError);
    expect(mapped).toMatchObject({ code: 'READ_STORE_TRANSIENT', reason, cause: error });
  });

  it('leaves errors retrying cannot cure as they are', () => {
    const duplicate = new MongoServerError({ ok: 0, code: 11000, errmsg: 'E11000 duplicate key error' });
    const refused = new InvalidReadRequestError('INVALID_NAME', 'bad name');
    const bug = new TypeError('x is undefined');
    for (const error of [duplicate, refused, bug]) expect(toReadStoreError(error)).toBe(error);
  });

  it('recognises a write-concern error however the driver delivers it', () => {
    expect(writeConcernFailed(new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 100, errmsg: 'Not enough data-bearing nodes' } }))).toBe(true);
    expect(writeConcernFailed(new MongoServerError({ ok: 1, errmsg: 'x', writeConcernError: { code: 64, errmsg: 'timed out' } }))).toBe(true);
    expect(writeConcernFailed(new MongoServerError({ ok: 0, code: 11000, errmsg: 'E11000' }))).toBe(false);
  });
});
