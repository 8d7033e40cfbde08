// Goal: an append to KurrentDB is stored exactly once even when its acknowledgement is lost, is
// refused before it is sent when the server would refuse its size, and costs one round trip when
// the stream's head is known. Method: the real adapter and client against the KurrentDB test
// double, whose switches stall acknowledgements (written or not, answered with a timeout or never)
// or answer NotLeader, and whose record of calls shows what reached the server.
import { AppendOutcomeUnknownError, EventStoreUnavailableError, InvalidEventError } from '../event-store.errors.js';
import { event, eventually, freshStream, onKurrentDbDouble } from './kurrentdb-double.fixture.js';

describe('KurrentDB appends under faults', () => {
  const kurrent = onKurrentDbDouble();
  const appendsTo = (stream: string): number => kurrent.double.calls.filter((call) => call.kind === 'append' && call.stream === stream).length;
  const readsOf = (stream: string): number => kurrent.double.calls.filter((call) => call.kind === 'readStream' && call.stream === stream).length;

  describe('when the acknowledgement does not come', () => {
    // Acknowledgements are stalled on purpose here, so waiting for one is kept short.
    const stalling = () => kurrent.open({ appendTimeoutMs: 300 });

    it('learns that a write landed although its answer timed out, and stores it once', async () => {
      const store = stalling();
      const stream = freshStream();
      kurrent.double.faults.stallAcks({ written: true });
      const result = await store.appendToStream(stream, [event('A'), event('B')], { expectedRevision: 'no_stream' });
      const stored = await store.readStream(stream);
      expect(stored.map((e) => e.type)).toEqual(['A', 'B']);
      expect(result).toEqual({ nextExpectedRevision: 1, position: stored[1]!.position });
      expect(kurrent.lines.join('\n')).toContain('was stored although its answer failed');
    }, 10_000);

    it('sends a write that did not land again, with the same ids, and stores it once', async () => {
      const store = stalling();
      const stream = freshStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      kurrent.double.faults.stallAcks({ written: false });
      const result = await store.appendToStream(stream, [event('B')], { expectedRevision: 0 });
      expect(result.nextExpectedRevision).toBe(1);
      expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
      // The first append, the one whose answer was lost, and its resend (a slow machine may add one).
      expect(appendsTo(stream)).toBeGreaterThanOrEqual(3);
    }, 10_000);

    it('does not wait for ever on a server that never answers', async () => {
      const store = stalling();
      const stream = freshStream();
      kurrent.double.faults.stallAcks({ written: true, reply: 'never' });
      const result = await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(0);
      expect(await store.readStream(stream)).toHaveLength(1);
    }, 10_000);

    it('says the outcome is unknown when it stays so, and a later retry with the same ids stores the events once', async () => {
      const store = stalling();
      const stream = freshStream();
      const batch = [event('A'), event('B')];
      kurrent.double.faults.stallAcks({ written: true, reply: 'never' });
      const lost = store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });
      // The write has landed; then the server goes away for longer than the attempts last.
      await eventually('the write landed', () => kurrent.double.log.lastRevision(stream) === 1);
      const restarted = kurrent.double.restart(1_000);
      await expect(lost).rejects.toBeInstanceOf(AppendOutcomeUnknownError);
      await expect(lost).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(lost).rejects.toMatchObject({ streamName: stream, expected: 'no_stream', eventIds: batch.map((e) => e.id), code: 'EVENT_STORE_UNAVAILABLE' });
      await restarted;
      // grpc-js waits out its reconnection backoff (a second or more) before it connects again.
      const patient = kurrent.open({ appendAttempts: 8, appendRetryDelayMs: 100 });
      await expect(patient.appendToStream(stream, batch, { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 1 });
      expect((await patient.readStream(stream)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
    }, 10_000);

    it('follows a NotLeader answer to the leader and appends there', async () => {
      const store = stalling();
      const stream = freshStream();
      kurrent.double.faults.notLeader(1);
      await expect(store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: 0 });
      expect(await store.readStream(stream)).toHaveLength(1);
    }, 10_000);

    it('still maps a conflict found on a retry to the port’s conflict', async () => {
      const store = stalling();
      const stream = freshStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      kurrent.double.faults.stallAcks({ written: false });
      const other = stalling();
      const racing = store.appendToStream(stream, [event('Mine')], { expectedRevision: 0 });
      await other.appendToStream(stream, [event('Theirs')], { expectedRevision: 0 });
      await expect(racing).rejects.toMatchObject({ code: 'CONCURRENCY_CONFLICT', expected: 0, actual: 1 });
    }, 10_000);
  });

  describe("the server's MaxAppendSize", () => {
    it('refuses an append whose events are each under 1 MiB but together over, without sending it', async () => {
      const store = kurrent.open();
      const stream = freshStream();
      const half = 'x'.repeat(600 * 1024);
      const attempt = store.appendToStream(stream, [event('A', { half }), event('B', { half })], { expectedRevision: 'no_stream' });
      await expect(attempt).rejects.toBeInstanceOf(InvalidEventError);
      await expect(attempt).rejects.toMatchObject({ reason: 'TOO_LARGE', message: expect.stringContaining('MaxAppendSize is 1048576') as unknown });
      expect(appendsTo(stream)).toBe(0);
    });

    it('counts the type and the chain link as the server does, and lets an append just under through', async () => {
      const store = kurrent.open({ maxAppendSizeBytes: 4096 });
      const stream = freshStream();
      // 4000 bytes of data pass the port's per-event check; with type and chain link they are over 4096.
      await expect(store.appendToStream(stream, [event('Large', 'y'.repeat(3990))], { expectedRevision: 'no_stream' })).rejects.toMatchObject({ reason: 'TOO_LARGE' });
      await expect(store.appendToStream(stream, [event('Small', 'y'.repeat(3700))], { expectedRevision: 'no_stream' })).resolves.toBeDefined();
      expect(appendsTo(stream)).toBe(1);
    });
  });

  describe('round trips', () => {
    it('appends in one round trip when the stream is new or its head was just read or written', async () => {
      const store = kurrent.open();
      const stream = freshStream();
      await store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      await store.appendToStream(stream, [event('B'), event('C')], { expectedRevision: 0 });
      expect([appendsTo(stream), readsOf(stream)]).toEqual([2, 0]);
      const another = kurrent.open();
      const [, , last] = await another.readStream(stream);
      await another.appendToStream(stream, [event('D')], { expectedRevision: last!.revision });
      expect([appendsTo(stream), readsOf(stream)]).toEqual([3, 1]);
    });

    it('reads the head once when it is not known, and keeps the hash chain whole', async () => {
      const writer = kurrent.open();
      const stream = freshStream();
      await writer.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' });
      const stranger = kurrent.open();
      await stranger.appendToStream(stream, [event('B')], { expectedRevision: 0 });
      expect([appendsTo(stream), readsOf(stream)]).toEqual([2, 1]);
      const [a, b] = await stranger.readStream(stream, { raw: true });
      expect(b!.chain.previousHash).toBe(a!.chain.hash);
    });
  });
});
