/**
 * Watches an instance's `/health/ready` the way an orchestrator does, and checks that it tells
 * the truth. Every few hundred milliseconds it asks, with a timeout (a probe that does not answer
 * in time counts as not ready, as it would for a load balancer), and keeps each answer. After
 * every "ready" it asks the same instance's read models for the latest write acknowledged before
 * the probe was sent: "ready" promises read models caught up with the log, so that write must be
 * there; a write missing behind a 200 is recorded as `unseen`, a readiness that lied.
 */
import type { Endpoint } from './balanced-client.js';
import { postOnce } from './balanced-client.js';
import { BOOKING, payloadOf } from './ledger-workload.js';
import type { Acknowledged } from './ledger-workload.js';

export interface ReadinessSample {
  /** When the probe was sent (ms since the epoch). */
  readonly at: number;
  /** When its answer came (or it gave up): the answer tells the state of then, not of `at`. */
  readonly answeredAt: number;
  /** The HTTP status, or why there was none: `timeout`, `refused` or another network error code. */
  readonly status: number | string;
  readonly checks?: Readonly<Record<string, string>>;
  /** Set when the answer was 200 and the acknowledged write was not in the read models. */
  readonly unseen?: string;
}

const PROBE_TIMEOUT_MS = 3_000;

export async function probeReadiness(endpoint: Endpoint): Promise<Omit<ReadinessSample, 'unseen'>> {
  const at = Date.now();
  try {
    const response = await fetch(`${endpoint.url}/health/ready`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await response.json()) as { checks?: Record<string, string> };
    return { at, answeredAt: Date.now(), status: response.status, ...(body.checks ? { checks: body.checks } : {}) };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const name = error instanceof Error ? error.name : String(error);
    return { at, answeredAt: Date.now(), status: code === 'ECONNREFUSED' ? 'refused' : name === 'TimeoutError' ? 'timeout' : (code ?? name) };
  }
}

export class ReadinessWatch {
  readonly samples: ReadinessSample[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly endpoint: Endpoint,
    private readonly key: string,
    private readonly acknowledgedBefore: (time: number) => Acknowledged | undefined,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Samples sent at `from` or later and answered before `to` (ms since the epoch): what they say held in between. */
  between(from: number, to = Infinity): ReadinessSample[] {
    return this.samples.filter((sample) => sample.at >= from && sample.answeredAt < to);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const started = Date.now();
      const acknowledged = this.acknowledgedBefore(started);
      const sample = await probeReadiness(this.endpoint);
      const unseen = sample.status === 200 && acknowledged ? await this.missing(acknowledged) : undefined;
      this.samples.push({ ...sample, ...(unseen ? { unseen } : {}) });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, this.everyMs - (Date.now() - started))));
    }
  }

  /** What of the acknowledged write the read models do not show, or undefined when they show it. */
  private async missing(acknowledged: Acknowledged): Promise<string | undefined> {
    // Bounded like the probe, so a read that hangs (a stalled read store) never blinds the watch.
    const outcome = await postOnce(this.endpoint, this.key, BOOKING, { id: acknowledged.bookingId }, PROBE_TIMEOUT_MS);
    if ('lost' in outcome) return undefined; // No answer is not a wrong answer; the next probe asks again.
    const booking = payloadOf({ ...outcome.answer, endpoint: this.endpoint.name, attempts: [] });
    if (!booking) {
      // NOT_FOUND is the read model saying it does not know the booking; any other error says nothing of it.
      const code = outcome.answer.errors?.[0]?.extensions?.code;
      return code === 'NOT_FOUND' ? `booking ${acknowledged.bookingId}: NOT_FOUND` : undefined;
    }
    const payments = (booking.payments as { id: string }[]).map((payment) => payment.id);
    if (acknowledged.paymentId && !payments.includes(acknowledged.paymentId)) return `payment ${acknowledged.paymentId} of booking ${acknowledged.bookingId}`;
    return undefined;
  }
}

export const isReady = (sample: ReadinessSample): boolean => sample.status === 200;

/** Every process manager and job runs on this instance. */
export const backgroundUp = (sample: ReadinessSample): boolean =>
  Object.entries(sample.checks ?? {}).every(([name, state]) => !(name.startsWith('process-manager:') || name.startsWith('job:')) || state === 'up');

/** When a cut was seen (the first "not ready"), healed, and `b` was ready again (undefined: never). */
export interface CutWindow {
  readonly from: number;
  readonly to: number;
  readonly recovered: number | undefined;
}

export interface FaultTimes {
  readonly cutAt: number;
  readonly killedAt: number;
  readonly eventStoreCut: CutWindow;
  readonly readStoreCut: CutWindow;
}

/**
 * Every sample that contradicts what the instance could do at that moment: `a` (cut off at
 * `cutAt`, killed at `killedAt`) and the survivor `b` (two of its links cut in turn), in lists
 * that are empty when readiness told the truth throughout.
 */
export function readinessVerdict(watchA: ReadinessWatch, watchB: ReadinessWatch, times: FaultTimes) {
  const brief = (sample: ReadinessSample) => ({
    at: sample.at,
    answeredAt: sample.answeredAt,
    status: sample.status,
    ...(sample.unseen ? { unseen: sample.unseen } : {}),
    checks: sample.checks,
  });
  const cuts = [times.eventStoreCut, times.readStoreCut];
  // From the first "not ready" of a cut until ready again, a failing check is the truth, not a fault.
  const outsideCuts = (sample: ReadinessSample) => cuts.every((cut) => sample.at < cut.from || sample.at >= (cut.recovered ?? Infinity));
  const failing = ([name, state]: [string, string]) => (name === 'eventStore' && state !== 'up') || /^(failed|stopped)/.test(state);
  return {
    // A second and a half for the first failed store call to come back, as /health/ready waits a second for read models.
    aReadyWhileCutOff: watchA
      .between(times.cutAt + 1_500, times.killedAt)
      .filter(isReady)
      .map(brief),
    aAnsweringAfterKill: watchA
      .between(times.killedAt)
      .filter((sample) => sample.status !== 'refused')
      .map(brief),
    // Once it said so, until the link healed: a "ready" in between would be a lie.
    bReadyWhileCut: cuts.flatMap((cut) => watchB.between(cut.from, cut.to).filter(isReady).map(brief)),
    bFailedOrDown: watchB.samples.filter((sample) => outsideCuts(sample) && Object.entries(sample.checks ?? {}).some(failing)).map(brief),
    bRecovered: cuts.map((cut) => cut.recovered !== undefined),
    lies: [...watchA.samples, ...watchB.samples].filter((sample) => sample.unseen).map(brief),
  };
}
