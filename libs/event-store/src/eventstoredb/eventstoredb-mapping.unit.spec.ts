// Goal: show, without a server, that what the adapter appends comes back from the client as the
// same event, byte for byte, through both of the client's real decoders (the Rust bridge used by
// reads and the gRPC one used by subscriptions), and that positions, revisions and errors map as
// the port promises. Method: encode with the shared batch helpers, feed the resulting bytes to the
// client's own conversion functions, and compare.
import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent, ResolvedEvent } from '@kurrent/kurrentdb-client';
import { convertRustEvent } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import { convertGrpcEvent } from '@kurrent/kurrentdb-client/dist/utils/convertGrpcEvent.js';
import { StreamIdentifier, UUID } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import { ReadResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import { EventStoreUnavailableError, InvalidEventError, InvalidPositionError, WrongExpectedRevisionError } from '../event-store.errors.js';
import type { NewEvent } from '../event-store.port.js';
import { verifyChain } from '../hash-chain.js';
import { EventSerde } from '../serde.js';
import { chainBatch, encodeBatch } from '../stored-event.js';
import type { PreparedEvent } from '../stored-event.js';
import {
  chainHashOf,
  fromClientEvent,
  fromClientPosition,
  toActualRevision,
  toClientPosition,
  toEventData,
  toStreamState,
} from './eventstoredb-mapping.js';
import type { ClientRecordedEvent } from './eventstoredb-mapping.js';
import { AcknowledgementTimeout, isTransient, toAppendError } from './eventstoredb-errors.js';

const serde = new EventSerde();
const STREAM = 'booking-7f0c';
const CREATED_MS = Date.UTC(2026, 10, 22, 10, 0, 0);

interface Stored {
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly isJson?: boolean;
  readonly commit?: bigint;
  readonly prepare?: bigint;
}

/** What the Rust bridge hands the client for readStream/readAll, converted by the client itself. */
function viaRead(stored: Stored): ClientRecordedEvent {
  const position = stored.commit === undefined ? undefined : { commit: stored.commit, prepare: stored.prepare ?? stored.commit };
  const resolved: ResolvedEvent = convertRustEvent({
    event: { streamId: STREAM, id: stored.id, type: stored.type, isJson: stored.isJson ?? false, revision: stored.revision, created: CREATED_MS, data: stored.data, metadata: stored.metadata, ...(position ? { position } : {}) },
  });
  return resolved.event!;
}

/** What a gRPC subscription delivers, converted by the client itself. */
function viaSubscription(stored: Stored): ClientRecordedEvent {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(new UUID().setString(stored.id));
  record.setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(STREAM)));
  record.setStreamRevision(stored.revision.toString());
  record.setCommitPosition(String(stored.commit ?? 0n));
  record.setPreparePosition(String(stored.prepare ?? stored.commit ?? 0n));
  record.getMetadataMap().set('type', stored.type);
  record.getMetadataMap().set('content-type', stored.isJson ? 'application/json' : 'application/octet-stream');
  record.getMetadataMap().set('created', String(BigInt(CREATED_MS) * 10_000n));
  record.setData(stored.data);
  record.setCustomMetadata(stored.metadata);
  const resolved: AllStreamResolvedEvent = convertGrpcEvent(new ReadResp.ReadEvent().setEvent(record));
  return resolved.event!;
}

/** The bytes the client sends for one prepared event, which the server stores unchanged. */
function stored(event: PreparedEvent, commit: bigint): Stored {
  const data = toEventData(event);
  expect(data.contentType).toBe('application/octet-stream');
  // The client sends metadata verbatim only for a plain Uint8Array (`metadata.constructor === Uint8Array`).
  expect(data.metadata?.constructor).toBe(Uint8Array);
  return { id: data.id, type: data.type, revision: BigInt(event.revision), data: data.data as Uint8Array, metadata: data.metadata as Uint8Array, commit, prepare: commit + 10n };
}

function prepare(events: NewEvent[]): PreparedEvent[] {
  return chainBatch(STREAM, encodeBatch(serde, STREAM, events), 0, null);
}

const tricky: NewEvent = {
  id: randomUUID(),
  type: 'Charged',
  data: { amountMinor: 2n ** 70n, at: new Date('2026-11-22T10:00:00.000Z'), text: 'café ☕ 🧾 "quoted" \\ \n \u0001', 10: 'integer key', list: [1.5, 1e21, null] },
  metadata: { tenant: 'acme', 2: 'two', 1: 'one', nested: { b: 1, a: [{ z: '\u2028' }] }, occurredAt: '2026-11-22T10:00:00.000Z' },
};

describe('EventStoreDB mapping', () => {
  describe('appended events read back', () => {
    it.each([
      ['a read', viaRead],
      ['a subscription', viaSubscription],
    ])('returns the exact stored text through %s', (_label, deliver) => {
      const [prepared] = prepare([tricky]);
      const bytes = stored(prepared!, 1000n);
      expect(Buffer.from(bytes.data).toString('utf8')).toBe(prepared!.dataJson);
      expect(Buffer.from(bytes.metadata).toString('utf8')).toBe(prepared!.metadataJson);
      const event = deliver(bytes);
      // The client parses metadata; re-serialising it must give back the stored text exactly.
      expect(JSON.stringify(event.metadata)).toBe(prepared!.metadataJson);
      const recorded = fromClientEvent(serde, event);
      expect(recorded).toMatchObject({ id: tricky.id, type: 'Charged', streamName: STREAM, revision: 0, data: tricky.data, metadata: tricky.metadata });
      expect(recorded.recordedAt).toEqual(new Date(CREATED_MS));
      expect(recorded.chain).toEqual(prepared!.chain);
    });

    it('keeps the hash chain verifiable', () => {
      const prepared = prepare([tricky, { id: randomUUID(), type: 'Noted', data: { n: 1 } }]);
      const events = prepared.map((p, i) => fromClientEvent(serde, viaRead(stored(p, 100n * BigInt(i + 1))), true));
      expect(verifyChain(events)).toEqual({ ok: true, checked: 2 });
      expect(chainHashOf(viaRead(stored(prepared[1]!, 5n)))).toBe(prepared[1]!.chain.hash);
    });
  });

  describe("other tools' events", () => {
    const id = randomUUID();
    const json = (text: string): Uint8Array => new Uint8Array(Buffer.from(text));

    it('reads a JSON event without metadata or chain link', () => {
      const event = viaRead({ id, type: 'Imported', revision: 3n, data: json('{ "a" : 1 }'), metadata: new Uint8Array(), isJson: true, commit: 7n });
      expect(fromClientEvent(serde, event)).toMatchObject({ data: { a: 1 }, metadata: {}, revision: 3, chain: { previousHash: null, hash: '' } });
      expect(chainHashOf(event)).toBeNull();
    });

    it('hands over binary data that is not JSON as bytes, and ignores metadata that is not an object', () => {
      const bytes = new Uint8Array([0x08, 0x96, 0x01]);
      const event = viaSubscription({ id, type: 'Proto', revision: 0n, data: bytes, metadata: json('[1,2]'), commit: 9n });
      const recorded = fromClientEvent(serde, event);
      expect(Buffer.from(recorded.data as Uint8Array)).toEqual(Buffer.from(bytes));
      expect(recorded.metadata).toEqual({});
    });

    it('refuses an event read without a log position, as servers before 22.6 return', () => {
      const event = viaRead({ id, type: 'Old', revision: 0n, data: json('{}'), metadata: new Uint8Array() });
      expect(() => fromClientEvent(serde, event)).toThrow(EventStoreUnavailableError);
      const sentinel = viaRead({ id, type: 'Old', revision: 0n, data: json('{}'), metadata: new Uint8Array(), commit: 2n ** 64n - 1n });
      expect(() => fromClientEvent(serde, sentinel)).toThrow(EventStoreUnavailableError);
    });
  });

  describe('positions and revisions', () => {
    it('encodes commit then prepare so that string order is log order, and decodes back', () => {
      const positions = [
        { commit: 5n, prepare: 5n },
        { commit: 5n, prepare: 300n },
        { commit: 0x1_0000n, prepare: 0x1_0000n },
        { commit: 2n ** 63n, prepare: 2n ** 63n + 1n },
      ].map(fromClientPosition);
      expect([...positions].sort()).toEqual(positions);
      expect(positions[1]).toBe('0000000000000005000000000000012c');
      expect(toClientPosition(positions[3]!)).toEqual({ commit: 2n ** 63n, prepare: 2n ** 63n + 1n });
      expect(() => toClientPosition('0000000000000005' as never)).toThrow(InvalidPositionError);
    });

    it('states an expected revision on every append and never ANY', () => {
      expect(toStreamState('no_stream')).toBe(NO_STREAM);
      expect(toStreamState(41)).toBe(41n);
      expect(toActualRevision('no_stream')).toBe('no_stream');
      expect(toActualRevision(7n)).toBe(7);
      expect(toActualRevision(-5n)).toBe('no_stream');
    });
  });

  describe('errors', () => {
    const wrong = (current: bigint | 'no_stream'): WrongExpectedVersionError =>
      new WrongExpectedVersionError(undefined, { streamName: STREAM, expected: 3n, current });

    it("maps the client's wrong expected version onto the port's conflict, with the caller's expectation", () => {
      const conflict = toAppendError(wrong(5n), STREAM, 3);
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict).toMatchObject({ streamName: STREAM, expected: 3, actual: 5, code: 'CONCURRENCY_CONFLICT' });
      expect(toAppendError(wrong('no_stream'), STREAM, 3)).toMatchObject({ actual: 'no_stream' });
    });

    it('maps an oversized append, an unreachable server, and passes anything else unchanged', () => {
      expect(toAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), STREAM, 0)).toMatchObject({ reason: 'TOO_LARGE' });
      expect(toAppendError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), STREAM, 0)).toBeInstanceOf(InvalidEventError);
      expect(toAppendError(new UnavailableError(), STREAM, 0)).toBeInstanceOf(EventStoreUnavailableError);
      const other = new StreamNotFoundError(undefined, STREAM);
      expect(toAppendError(other, STREAM, 0)).toBe(other);
    });

    it('maps timeouts, deadlines, cancellations, unknown states and not-leader answers as transient, and answers as not', () => {
      for (const error of [new DeadlineExceededError(), new TimeoutError(), new CancelledError(), new UnknownError(), new AcknowledgementTimeout(5)]) {
        expect(isTransient(error)).toBe(true);
        expect(toAppendError(error, STREAM, 0)).toBeInstanceOf(EventStoreUnavailableError);
      }
      expect(isTransient(wrong(5n))).toBe(false);
      expect(isTransient(MaxAppendSizeExceededError.fromMaxAppendSize(1024))).toBe(false);
      expect(toAppendError(new AccessDeniedError(), STREAM, 0)).toBeInstanceOf(EventStoreUnavailableError);
      expect(toAppendError(StreamDeletedError.fromStreamName(STREAM), STREAM, 0)).toBeInstanceOf(EventStoreUnavailableError);
    });
  });
});
