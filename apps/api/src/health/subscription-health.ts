/**
 * The event-store subscriptions this instance follows the log with, and whether each is healthy:
 * one per process manager running here (`process-manager:<name>`), the projector host's log
 * watcher (`projector`), and the API-key revocation feed (`api-key-revocations`, once the first
 * key was checked). Readiness and metrics both read them here, so they judge alike.
 *
 * A subscription is not ready when it `failed` (the store gave up resuming it, or the consumer
 * stopped on its error), or when it has been losing its server for longer than
 * RECONNECT_TOLERANCE_MS. 30 s outlasts what a healthy cluster needs to come back (a restart, a
 * leader election: seconds) and the KurrentDB adapter's first attempts (250 ms doubling to 10 s),
 * and comes well before the adapter gives up (30 attempts, about four and a half minutes), so an
 * instance whose process managers have stopped receiving events stops taking traffic long before
 * they fail for good. Shorter outages show as `reconnecting` and stay ready.
 *
 * "Losing its server" is judged across readings, not from one status: the adapter's `since` is
 * when the state last changed, and each attempt to resume changes it (`catching-up` while the
 * attempt opens, `reconnecting` when it fails again), so it never grows during an outage. A
 * subscription counts as losing from the first reading that shows it `reconnecting`, or catching
 * up again after a reconnect, until one shows it `live` (or catching up with no new reconnect).
 */
import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator, ProcessManagerLeases, ProjectorHost } from '@ledger/application';
import type { SubscriptionStatus } from '@ledger/event-store';

export const RECONNECT_TOLERANCE_MS = 30_000;

export interface ConsumerSubscription {
  readonly consumer: string;
  readonly status: SubscriptionStatus;
}

export interface SubscriptionCheck extends ConsumerSubscription {
  /** What the readiness check shows for it. */
  readonly check: string;
  readonly ready: boolean;
}

/** Since when each consumer's subscription has been losing its server, judged over successive readings. */
export class LosingSince {
  /** Per consumer: the reconnects at its last healthy reading, and since when it has been losing. */
  private readonly seen = new Map<string, { healthyReconnects: number; since?: number }>();

  /** Takes a reading; returns since when (ms) the subscription has been losing its server, or undefined. */
  observe(consumer: string, status: SubscriptionStatus, nowMs: number): number | undefined {
    const previous = this.seen.get(consumer);
    // Fewer reconnects than before: a new subscription (the consumer started again).
    const healthyReconnects = previous && status.reconnects >= previous.healthyReconnects ? previous.healthyReconnects : 0;
    const losing = status.state === 'reconnecting' || (status.state === 'catching-up' && status.reconnects > healthyReconnects);
    if (!losing) {
      this.seen.set(consumer, { healthyReconnects: status.reconnects });
      return undefined;
    }
    const since = previous?.since ?? Math.min(nowMs, status.state === 'reconnecting' ? status.since.getTime() : nowMs);
    this.seen.set(consumer, { healthyReconnects, since });
    return since;
  }
}

/** The check shown for one subscription, and whether it leaves the instance ready. */
export function judge(status: SubscriptionStatus, losingSinceMs: number | undefined, nowMs: number, toleranceMs: number): { check: string; ready: boolean } {
  const reconnects = `${status.reconnects} reconnect${status.reconnects === 1 ? '' : 's'}`;
  const why = status.lastError ? `: ${status.lastError}` : '';
  if (status.state === 'failed') return { check: `failed (${reconnects})${why}`, ready: false };
  if (losingSinceMs === undefined) return { check: status.state === 'catching-up' ? 'catching up' : status.state === 'closed' ? 'closed' : 'up', ready: true };
  const forS = Math.round((nowMs - losingSinceMs) / 1000);
  if (nowMs - losingSinceMs <= toleranceMs) return { check: `reconnecting for ${forS} s (${reconnects})${why}`, ready: true };
  return { check: `reconnecting for ${forS} s, longer than ${toleranceMs / 1000} s (${reconnects})${why}`, ready: false };
}

@Injectable()
export class SubscriptionHealth {
  /** How long a subscription may lose its server before the instance is not ready; tests shorten it. */
  toleranceMs = RECONNECT_TOLERANCE_MS;
  private readonly losing = new LosingSince();

  constructor(
    @Inject(ProjectorHost) private readonly projector: ProjectorHost,
    @Inject(ProcessManagerLeases) private readonly background: ProcessManagerLeases,
    @Inject(ApiKeyAuthenticator) private readonly keys: ApiKeyAuthenticator,
  ) {}

  /** Every subscription this instance holds now, by consumer. */
  subscriptions(): ConsumerSubscription[] {
    const held: ConsumerSubscription[] = [];
    const watcher = this.projector.watcherStatus();
    if (watcher) held.push({ consumer: 'projector', status: watcher });
    for (const manager of this.background.status()) {
      if (manager.subscription) held.push({ consumer: `${manager.kind}:${manager.name}`, status: manager.subscription });
    }
    const revocations = this.keys.revocationSubscription;
    if (revocations) held.push({ consumer: 'api-key-revocations', status: revocations });
    return held;
  }

  /** Reads every subscription and judges it. */
  checks(now = Date.now()): SubscriptionCheck[] {
    return this.subscriptions().map((held) => ({ ...held, ...judge(held.status, this.losing.observe(held.consumer, held.status, now), now, this.toleranceMs) }));
  }
}
