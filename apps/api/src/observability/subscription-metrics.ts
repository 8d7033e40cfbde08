/**
 * Metrics of the event-store subscriptions this instance holds, read where readiness reads them
 * (health/subscription-health.ts): `ledger_event_subscription_state{consumer,state}` is 1 for the
 * state each consumer's subscription is in and 0 for the others, and
 * `ledger_event_subscription_reconnects_total{consumer}` counts the times it lost its server and
 * resumed. A subscription's own count starts again at 0 when its consumer opens a new one (a
 * process manager taking its lease again), so the counter adds what each reading adds and never
 * goes back, as a Prometheus counter must.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { SubscriptionState } from '@ledger/event-store';
import type { SubscriptionHealth } from '../health/subscription-health.js';

const STATES: readonly SubscriptionState[] = ['catching-up', 'live', 'reconnecting', 'failed', 'closed'];

export function registerSubscriptionMetrics(registry: Registry, health: SubscriptionHealth): void {
  new Gauge({
    name: 'ledger_event_subscription_state',
    help: "1 for the state each consumer's subscription to the log is in (catching-up, live, reconnecting, failed, closed), 0 for the others",
    labelNames: ['consumer', 'state'],
    registers: [registry],
    collect() {
      // Only the consumers holding a subscription now: a manager that moved to another instance drops out.
      this.reset();
      for (const { consumer, status } of health.subscriptions()) {
        for (const state of STATES) this.set({ consumer, state }, state === status.state ? 1 : 0);
      }
    },
  });
  const counted = new Map<string, number>();
  new Counter({
    name: 'ledger_event_subscription_reconnects_total',
    help: 'Times a subscription to the log lost its server and resumed, per consumer',
    labelNames: ['consumer'],
    registers: [registry],
    collect() {
      for (const { consumer, status } of health.subscriptions()) {
        const before = counted.get(consumer) ?? 0;
        this.inc({ consumer }, status.reconnects >= before ? status.reconnects - before : status.reconnects);
        counted.set(consumer, status.reconnects);
      }
    },
  });
}
