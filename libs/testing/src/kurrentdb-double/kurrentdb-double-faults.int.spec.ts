// Goal: each fault switch of the KurrentDB test double reaches the real client the way the same
// fault of a real KurrentDB would: NotLeader naming the leader, an acknowledgement that stalls
// past the deadline (answered Timeout, or never), a subscription the server completes or ends
// with UNAVAILABLE, connections reset mid-call, and a restart that keeps the log. Method: drive
// `@kurrent/kurrentdb-client` directly and look at the errors it raises.
import { randomUUID } from 'node:crypto';
import {
  DeadlineExceededError,
  KurrentDBClient,
  NO_STREAM,
  NotLeaderError,
  START,
  UnavailableError,
  UnknownError,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import type { AllStreamSubscription } from '@kurrent/kurrentdb-client';
import { KurrentDbDouble } from './index.js';

/** dispose() cancels the calls but leaves the channel open; a test must close it to let Jest exit. */
async function closeClient(client: KurrentDBClient): Promise<void> {
  await client.dispose();
  (await (client as unknown as { getChannel(): Promise<{ close(): void }> }).getChannel()).close();
}

const one = () => jsonEvent({ id: randomUUID(), type: 'Happened', data: {} });

/** How a subscription's iteration ended: 'completed' or the error it threw. */
async function endOf(subscription: AllStreamSubscription): Promise<unknown> {
  try {
    for await (const delivered of subscription) void delivered;
    return 'completed';
  } catch (error) {
    return error;
  }
}

async function live(subscription: AllStreamSubscription): Promise<void> {
  await new Promise((resolve) => subscription.once('caughtUp', resolve));
}

describe('KurrentDB test double faults', () => {
  let double: KurrentDbDouble;
  let client: KurrentDBClient;
  const stream = (): string => `faults${randomUUID().slice(0, 8)}-1`;

  beforeAll(async () => {
    double = await KurrentDbDouble.start({ writeTimeoutMs: 150 });
    client = KurrentDBClient.connectionString(double.url);
  });

  afterEach(() => double.faults.clear());

  afterAll(async () => {
    await closeClient(client);
    await double.stop();
  });

  it('answers NotLeader naming itself as the leader, to reads and appends, then serves again', async () => {
    double.faults.notLeader(2);
    const read = (async () => {
      for await (const e of client.readStream(stream())) void e;
    })();
    await expect(read).rejects.toBeInstanceOf(NotLeaderError);
    const append = client.appendToStream(stream(), one(), { streamState: NO_STREAM });
    await expect(append).rejects.toBeInstanceOf(NotLeaderError);
    await expect(append).rejects.toMatchObject({ leader: { address: '127.0.0.1', port: double.port } });
    await expect(client.appendToStream(stream(), one(), { streamState: NO_STREAM })).resolves.toMatchObject({ success: true });
  });

  it('stalls an acknowledgement past the deadline: a Timeout answer, with or without the write', async () => {
    const written = stream();
    double.faults.stallAcks({ written: true });
    await expect(client.appendToStream(written, one(), { streamState: NO_STREAM })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(double.log.lastRevision(written)).toBe(0);
    const lost = stream();
    double.faults.stallAcks({ written: false });
    await expect(client.appendToStream(lost, one(), { streamState: NO_STREAM })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(double.log.lastRevision(lost)).toBe(-1);
  });

  it("stalls an acknowledgement for ever when asked, on Append: a timeout, or nothing until the client's own deadline", async () => {
    const unary = await KurrentDbDouble.start({ batchAppend: false, writeTimeoutMs: 150 });
    const unaryClient = KurrentDBClient.connectionString(unary.url);
    unary.faults.stallAcks({ count: 1 });
    // KurrentDB answers ABORTED without status details, which the client reports as UnknownError.
    const timedOut = unaryClient.appendToStream(stream(), one(), { streamState: NO_STREAM });
    await expect(timedOut).rejects.toBeInstanceOf(UnknownError);
    await expect(timedOut).rejects.toMatchObject({ message: expect.stringContaining('Operation timed out') as unknown });
    unary.faults.stallAcks({ count: 1, reply: 'never' });
    await expect(unaryClient.appendToStream(stream(), one(), { streamState: NO_STREAM, deadline: 200 })).rejects.toBeInstanceOf(DeadlineExceededError);
    await closeClient(unaryClient);
    await unary.stop();
  });

  it('ends live subscriptions as completed or with UNAVAILABLE', async () => {
    const completed = client.subscribeToAll({ fromPosition: START });
    await live(completed);
    const first = endOf(completed);
    expect(double.faults.endSubscriptions('completed')).toBe(1);
    expect(await first).toBe('completed');
    const unavailable = client.subscribeToAll({ fromPosition: START });
    await live(unavailable);
    const second = endOf(unavailable);
    double.faults.endSubscriptions('unavailable');
    expect(await second).toBeInstanceOf(UnavailableError);
  });

  it('resets connections mid-call, and restarts on the same port with the log intact', async () => {
    const name = stream();
    await client.appendToStream(name, one(), { streamState: NO_STREAM });
    const subscription = client.subscribeToAll({ fromPosition: START });
    await live(subscription);
    const ended = endOf(subscription);
    expect(double.faults.dropConnections()).toBeGreaterThan(0);
    expect(await ended).toBeInstanceOf(UnavailableError);
    await double.restart(50);
    const fresh = KurrentDBClient.connectionString(double.url);
    const events: string[] = [];
    for await (const { event } of fresh.readStream(name)) events.push(event!.streamId);
    expect(events).toEqual([name]);
    await closeClient(fresh);
  });
});
