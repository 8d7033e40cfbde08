// Goal: a subscription is judged over successive readings, as health checks take them: one that
// keeps losing its server counts from the first reading that showed it so, even though each
// attempt to resume restarts its `since` (catching-up, then reconnecting again); one that reached
// live again, or a new one, starts clean; failed is never ready. Method: the judge and its memory,
// fed snapshots shaped as the adapters give them, at times the test chooses.
import type { SubscriptionStatus } from '@ledger/event-store';
import { judge, LosingSince } from './subscription-health.js';

const at = (ms: number) => new Date(ms);
const status = (state: SubscriptionStatus['state'], reconnects: number, sinceMs: number, lastError?: string): SubscriptionStatus => ({
  state,
  position: undefined,
  reconnects,
  lastError,
  since: at(sinceMs),
});

describe('judging a subscription over readings', () => {
  const TOLERANCE_MS = 30_000;

  it('counts an outage from its first reading while every attempt to resume restarts `since`', () => {
    const losing = new LosingSince();
    expect(losing.observe('pm', status('live', 0, 0), 1_000)).toBeUndefined();
    // Lost at 9 s; each attempt opens (catching-up) and fails again (reconnecting) within seconds.
    const readings: [SubscriptionStatus, number][] = [
      [status('reconnecting', 1, 9_000, 'UNAVAILABLE'), 10_000],
      [status('catching-up', 1, 19_500), 19_600],
      [status('reconnecting', 3, 29_000, 'UNAVAILABLE'), 30_000],
      [status('reconnecting', 5, 40_000, 'UNAVAILABLE'), 41_000],
    ];
    const since = readings.map(([reading, now]) => losing.observe('pm', reading, now));
    expect(since).toEqual([9_000, 9_000, 9_000, 9_000]);
    expect(judge(readings[2]![0], 9_000, 30_000, TOLERANCE_MS)).toEqual({ check: 'reconnecting for 21 s (3 reconnects): UNAVAILABLE', ready: true });
    expect(judge(readings[3]![0], 9_000, 41_000, TOLERANCE_MS)).toEqual({
      check: 'reconnecting for 32 s, longer than 30 s (5 reconnects): UNAVAILABLE',
      ready: false,
    });
  });

  it('starts clean once the subscription is live again, or catching up with no new reconnect', () => {
    const losing = new LosingSince();
    losing.observe('pm', status('reconnecting', 1, 0), 1_000);
    expect(losing.observe('pm', status('live', 1, 2_000), 3_000)).toBeUndefined();
    expect(losing.observe('pm', status('catching-up', 1, 2_000), 4_000)).toBeUndefined();
    expect(losing.observe('pm', status('reconnecting', 2, 50_000), 51_000)).toBe(50_000);
  });

  it('takes a subscription with fewer reconnects than before for a new one', () => {
    const losing = new LosingSince();
    losing.observe('pm', status('live', 4, 0), 1_000);
    expect(losing.observe('pm', status('catching-up', 0, 2_000), 2_500)).toBeUndefined();
    expect(losing.observe('pm', status('catching-up', 1, 3_000), 3_500)).toBe(3_500);
  });

  it('keeps each consumer apart', () => {
    const losing = new LosingSince();
    losing.observe('a', status('reconnecting', 1, 0), 1_000);
    expect(losing.observe('b', status('live', 0, 0), 60_000)).toBeUndefined();
    expect(losing.observe('a', status('reconnecting', 9, 55_000), 60_000)).toBe(0);
  });

  it('is never ready when failed, and ready when live, catching up or closed', () => {
    expect(judge(status('failed', 30, 0, 'gave up after 30 attempts'), undefined, 1_000, TOLERANCE_MS)).toEqual({
      check: 'failed (30 reconnects): gave up after 30 attempts',
      ready: false,
    });
    expect(judge(status('live', 0, 0), undefined, 1_000, TOLERANCE_MS)).toEqual({ check: 'up', ready: true });
    expect(judge(status('catching-up', 0, 0), undefined, 1_000, TOLERANCE_MS)).toEqual({ check: 'catching up', ready: true });
    expect(judge(status('closed', 1, 0), undefined, 1_000, TOLERANCE_MS)).toEqual({ check: 'closed', ready: true });
  });
});
