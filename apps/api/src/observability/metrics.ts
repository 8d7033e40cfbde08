/**
 * Prometheus metrics at GET /metrics: HTTP requests by route and status, GraphQL operations by
 * name and outcome (the error code, so declines and conflicts can be graphed), each
 * projection's health, retries and lag (the age of the oldest event it has not applied yet), each
 * process manager's and periodic job's state on this instance, and each subscription to the log
 * (subscription-metrics.ts).
 */
import { Controller, Get, Header, Inject, Injectable } from '@nestjs/common';
import type { NestMiddleware, OnModuleInit } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ProcessManagerLeases, ProjectorHost } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { SubscriptionHealth } from '../health/subscription-health.js';
import { routeLabel } from './request-path.js';
import { registerSubscriptionMetrics } from './subscription-metrics.js';

@Injectable()
export class LedgerMetrics implements OnModuleInit {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'ledger_http_requests_total', help: 'HTTP requests by method, route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'ledger_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'ledger_graphql_operations_total',
    help: 'GraphQL operations (top-level fields) by type, name and outcome (ok or the error code)',
    labelNames: ['type', 'name', 'outcome'],
    registers: [this.registry],
  });

  constructor(
    @Inject(ProjectorHost) private readonly projector: ProjectorHost,
    @Inject(EventStore) private readonly events: EventStore,
    @Inject(ProcessManagerLeases) private readonly background: ProcessManagerLeases,
    @Inject(SubscriptionHealth) private readonly subscriptions: SubscriptionHealth,
  ) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_' });
    const applied = new Gauge({ name: 'ledger_projection_events_applied', help: 'Events applied since start', labelNames: ['projection'], registers: [] });
    const skipped = new Gauge({ name: 'ledger_projection_events_skipped', help: 'Events of unknown types skipped since start', labelNames: ['projection'], registers: [] });
    const retries = new Gauge({
      name: 'ledger_projection_retries',
      help: 'Consecutive transient read-store failures the projection is retrying after (0 while it keeps up)',
      labelNames: ['projection'],
      registers: [],
    });
    const events = this.events;
    const projector = this.projector;
    // Registered first, so its collect (which fills the two gauges above) runs before they are read.
    new Gauge({
      name: 'ledger_projection_up',
      help: '1 while the projection runs (retrying included: see ledger_projection_retries), 0 once it stopped on an error',
      labelNames: ['projection'],
      registers: [this.registry],
      collect() {
        for (const status of projector.status()) {
          this.set({ projection: status.name }, status.state === 'failed' ? 0 : 1);
          applied.set({ projection: status.name }, status.applied);
          skipped.set({ projection: status.name }, status.skipped);
          retries.set({ projection: status.name }, status.retries);
        }
      },
    });
    this.registry.registerMetric(applied);
    this.registry.registerMetric(skipped);
    this.registry.registerMetric(retries);
    new Gauge({
      name: 'ledger_projection_lag_seconds',
      help: 'Age of the oldest event the projection has not applied yet (0 when caught up)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        const now = Date.now();
        for (const status of projector.status()) {
          const [next] = await events.readAll({ maxCount: 1, raw: true, ...(status.position ? { after: status.position } : {}) });
          this.set({ projection: status.name }, next ? Math.max(0, (now - next.recordedAt.getTime()) / 1000) : 0);
        }
      },
    });
    this.backgroundMetrics();
    registerSubscriptionMetrics(this.registry, this.subscriptions);
  }

  /**
   * Per process manager and job (`kind` is `process-manager` or `job`): `up` is 0 once it stopped
   * on an error here; `running` is 1 on the instance that holds its lease, so summed over the
   * instances it is 1 (0: nobody runs it; 2: a lease is shared by mistake, e.g. one owner twice).
   */
  private backgroundMetrics(): void {
    const background = this.background;
    const labelNames = ['kind', 'manager'] as const;
    const handled = new Gauge({
      name: 'ledger_process_manager_events_handled',
      help: 'Events handled here since start (a job: runs completed)',
      labelNames,
      registers: [],
    });
    const running = new Gauge({
      name: 'ledger_process_manager_running',
      help: '1 while this instance holds the lease and runs it, 0 while another does',
      labelNames,
      registers: [],
    });
    // Registered first, so its collect (which fills the two gauges above) runs before they are read.
    new Gauge({
      name: 'ledger_process_manager_up',
      help: '1 while the process manager or job runs here or waits for another instance, 0 once it stopped on an error or while a store outage keeps it from running',
      labelNames,
      registers: [this.registry],
      collect() {
        for (const status of background.status()) {
          const labels = { kind: status.kind, manager: status.name };
          this.set(labels, status.state === 'running' || status.state === 'waiting' ? 1 : 0);
          running.set(labels, status.state === 'running' ? 1 : 0);
          handled.set(labels, status.handled);
        }
      },
    });
    this.registry.registerMetric(running);
    this.registry.registerMetric(handled);
  }
}

/** Counts each top-level GraphQL field (an operation like chargeBooking) with its outcome. */
export function operationMetricsPlugin(metrics: LedgerMetrics): ApolloServerPlugin {
  return {
    requestDidStart: () =>
      Promise.resolve({
        executionDidStart: () =>
          Promise.resolve({
            willResolveField({ info }) {
              if (info.path.prev !== undefined) return undefined;
              const type = info.parentType.name === 'Mutation' ? 'mutation' : 'query';
              return (error: unknown) => {
                const code = error === null || error === undefined ? 'ok' : outcomeCode(error);
                metrics.operations.inc({ type, name: info.fieldName, outcome: code });
              };
            },
          }),
      }),
  };
}

function outcomeCode(error: unknown): string {
  const code = (error as { code?: unknown; extensions?: { code?: unknown } }).code ?? (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code) ? code : 'ERROR';
}

/** Counts and times every HTTP request once it has been answered. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: LedgerMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const stop = this.metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // Middleware may see a path relative to its mount point; the original URL is the whole path.
      const route = routeLabel(req.originalUrl || req.url);
      stop({ route });
      this.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}

@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: LedgerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
