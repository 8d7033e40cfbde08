// Goal: with several instances hosting the same process manager, exactly one runs it at a time;
// another takes over when the holder stops (at once) or stops renewing (when the lease lapses,
// about one ttl later) without handling anything twice; a runner whose lease was taken writes
// nothing more, even when its own clock says it still holds the lease; a runner that fails
// stays failed where it failed and another instance takes over; periodic jobs run on one
// instance only; a store outage (an append whose outcome is unknown) stops a runner only until
// the store answers again.
// Method: two or three instances over the same SQLite files (each opens them itself, as a
// process would) with distinct owners and short ttls, a manager that records what it handles
// and checkpoints after every event, and faults injected per instance: a read store that stops
// answering, a read-store clock running ahead, a handler stalled on an event, a handler failing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, happen, LeaseInstance, sleep } from './lease-testbed.js';
import type { LeaseInstanceOptions } from './lease-testbed.js';

const TTL_MS = 1_000;
/** What a loaded CI machine may add to a takeover beyond the lease's own timing. */
const SLACK_MS = 500;

describe('process managers under leases, across instances', () => {
  let dir: string;
  let instances: LeaseInstance[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-pm-leases-'));
    instances = [];
  });
  afterEach(async () => {
    for (const instance of instances) await instance.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const instance = (owner: string, options: Partial<LeaseInstanceOptions> = {}): LeaseInstance => {
    const created = new LeaseInstance(dir, owner, { ttlMs: TTL_MS, ...options });
    instances.push(created);
    return created;
  };
  const handledOnce = (...all: LeaseInstance[]) => all.flatMap((each) => each.handled).sort((x, y) => x - y);

  it('runs on one instance while the other waits, and hands over at once on a clean stop', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.start();
    await b.start();
    expect([a.state, b.state]).toEqual(['running', 'waiting']);
    await happen(a.events, 1, 3);
    await eventually(() => a.handled.length === 3);

    const stopped = performance.now();
    await a.stop();
    await eventually(() => b.state === 'running', TTL_MS, 'the takeover');
    expect(performance.now() - stopped).toBeLessThan(TTL_MS / 10 + SLACK_MS);
    await happen(b.events, 4, 5);
    await eventually(() => b.handled.length === 2);
    await sleep(100);
    expect({ a: a.handled, b: b.handled }).toEqual({ a: [1, 2, 3], b: [4, 5] });
  });

  it('takes over about one ttl after the holder stops renewing, and handles nothing twice', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.start();
    await b.start();
    await happen(a.events, 1, 2);
    await eventually(() => a.handled.length === 2);

    a.cut = true;
    const lastRenewal = a.lastRenewalAt;
    await eventually(() => b.state === 'running', 3 * TTL_MS, 'the takeover');
    const takeoverMs = performance.now() - lastRenewal;
    // Not before the lease lapsed (no overlap), and at most a poll (a tenth of the ttl) after.
    expect(takeoverMs).toBeGreaterThanOrEqual(TTL_MS - 50);
    expect(takeoverMs).toBeLessThan(TTL_MS * 1.1 + SLACK_MS);
    expect(a.state).toBe('waiting');
    await happen(b.events, 3, 4);
    await eventually(() => handledOnce(a, b).length === 4);
    await sleep(100);
    expect(handledOnce(a, b)).toEqual([1, 2, 3, 4]);
    expect(a.handled).toEqual([1, 2]);
  });

  it('lets a runner whose lease passed on while it was stalled write nothing more and act on nothing more', async () => {
    const a = instance('a');
    const b = instance('b');
    await a.start();
    await b.start();
    const release = a.stallOn(1);
    await happen(a.events, 1, 2);
    await eventually(() => a.handled.length === 1);
    a.cut = true;
    await eventually(() => b.handled.includes(2), 3 * TTL_MS, 'the takeover');
    const appendsBefore = a.checkpointAppends.length;

    release();
    await happen(b.events, 3);
    await eventually(() => b.handled.includes(3));
    await sleep(200);
    // Event 1 was in A's hands when its lease passed: its act finishes (acts are idempotent), nothing after it.
    expect({ a: a.handled, b: b.handled }).toEqual({ a: [1], b: [1, 2, 3] });
    expect(a.checkpointAppends.slice(appendsBefore)).toEqual([]);
  });

  it("refuses a former holder's checkpoint in the event store even when its clock says it still holds the lease", async () => {
    // A believes its lease lasts a minute; B's clock runs two minutes ahead, so B finds it lapsed.
    const a = instance('a', { ttlMs: 60_000 });
    const b = instance('b', { clockSkewMs: 120_000 });
    await a.start();
    const release = a.stallOn(1);
    await happen(a.events, 1);
    await eventually(() => a.handled.length === 1);
    await b.start();
    expect(b.state).toBe('running');
    await eventually(() => b.handled.includes(1));

    release();
    await eventually(() => a.state === 'waiting', 5_000, 'A noticing the loss');
    await happen(b.events, 2);
    await eventually(() => b.handled.includes(2));
    await sleep(200);
    expect({ a: a.handled, b: b.handled }).toEqual({ a: [1], b: [1, 2] });
    // A's claim when it started was taken; its one checkpoint save after B's claim was refused.
    expect(a.checkpointAppends).toEqual([
      { type: 'CheckpointClaimed', taken: true },
      { type: 'CheckpointStored', taken: false },
    ]);
  });

  it('keeps a failed runner failed where it failed, and another instance takes over at once', async () => {
    const a = instance('a', { failOn: 2 });
    const b = instance('b');
    await a.start();
    await b.start();
    await happen(a.events, 1, 2);
    await eventually(() => a.state === 'failed', 5_000, 'the failure');
    expect(a.leases.status()[0]).toMatchObject({ state: 'failed', failure: expect.stringMatching(/event 2 cannot be handled on a/) });
    await eventually(() => b.handled.includes(2), TTL_MS / 10 + SLACK_MS, 'the takeover');
    await sleep(100);
    expect({ a: a.handled, b: b.handled }).toEqual({ a: [1, 2], b: [2] });
    expect(b.state).toBe('running');
  });

  it.each([true, false])('stops for a while, not for good, when saving its checkpoint meets an event-store outage (stored: %s)', async (landed) => {
    const a = instance('a');
    await a.start();
    await happen(a.events, 1);
    await eventually(() => a.handled.includes(1), 5_000, 'the first event');
    a.checkpointOutage(2, landed);
    await happen(a.events, 2);
    await eventually(() => a.state === 'retrying', 5_000, 'retrying');
    expect(a.leases.status()[0]).toMatchObject({ state: 'retrying', failure: expect.stringMatching(/outcome of the append .* is unknown/), retries: 1 });
    // Two outages in a row, then the store answers: it runs again by itself, from its checkpoint.
    await eventually(() => a.state === 'running' && a.checkpointAppends.filter((append) => append.taken).length >= 3, 10 * TTL_MS, 'running again');
    await happen(a.events, 3);
    await eventually(() => a.handled.includes(3), 5_000, 'the next event');
    // At least once: an event whose checkpoint was lost comes again; none is skipped.
    expect([...new Set(a.handled)]).toEqual([1, 2, 3]);
    expect(a.leases.status()[0]).toMatchObject({ state: 'running' });
  });

  it('runs a periodic job on one instance only, and on the next when that one stops', async () => {
    const runs: string[] = [];
    const job = (owner: string) => [{ name: 'counting', everyMs: 50, run: () => Promise.resolve(runs.push(owner)) }];
    const a = instance('a');
    const b = instance('b');
    const jobsA = await a.startJobs(job('a'));
    const jobsB = await b.startJobs(job('b'));
    await sleep(300);
    expect(runs.length).toBeGreaterThan(2);
    expect(new Set(runs)).toEqual(new Set(['a']));
    await jobsA.stop();
    runs.length = 0;
    await eventually(() => runs.length > 2, TTL_MS, 'the takeover');
    expect(new Set(runs)).toEqual(new Set(['b']));
    await jobsB.stop();
  });
});
