/**
 * Liveness and readiness for orchestrators. Live means the process answers; ready means the
 * stores it depends on answer, every projection is being kept up (none failed, none retrying),
 * no process manager or job has stopped on an error, no subscription to the log has failed or
 * been losing its server for too long, and the read models have caught up with the log (within a
 * second).
 *
 * Each process manager and job shows its state on this instance: `up` while it runs here,
 * `waiting` while another instance holds its lease (ready: one instance runs it, and this one
 * takes over when that one stops), `failed: ...` once it stopped on an error (not ready: work
 * that stopped silently is how e-mails and automatic charges go missing), `retrying: ...` while a
store outage keeps it from running here (not ready; it resumes by itself).
 *
 * A projection `retrying` after a transient read-store error is not ready: its read models are
 * not being kept up meanwhile, so queries here answer from stale documents and every mutation's
 * read-your-writes wait runs into its timeout. It shows why and how often it has retried, and the
 * instance is ready again as soon as a retry succeeds. When the read store is shared (MongoDB),
 * every instance goes not ready together, as `readModels: behind` already made them.
 */
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProcessManagerLeases, ProjectorHost } from '@ledger/application';
import type { BackgroundStatus, ProjectorStatus } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { SubscriptionHealth } from './subscription-health.js';

const WAITING = 'waiting: another instance holds its lease';

function backgroundCheck(status: BackgroundStatus): string {
  switch (status.state) {
    case 'running':
      return 'up';
    case 'waiting':
      return WAITING;
    case 'retrying':
      return `retrying: ${status.failure ?? 'unknown error'} (${status.retries} ${status.retries === 1 ? 'outage' : 'outages'} in a row)`;
    case 'failed':
      return `failed: ${status.failure ?? 'unknown error'}`;
    case 'stopped':
      return 'stopped';
  }
}

function projectionCheck(status: ProjectorStatus): string {
  if (status.state === 'retrying') return `retrying: ${status.failure ?? 'unknown error'} (${status.retries} ${status.retries === 1 ? 'retry' : 'retries'})`;
  return status.failure ? `stopped: ${status.failure}` : 'up';
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EventStore) private readonly eventStore: EventStore,
    @Inject(ProjectorHost) private readonly projector: ProjectorHost,
    @Inject(ProcessManagerLeases) private readonly background: ProcessManagerLeases,
    @Inject(SubscriptionHealth) private readonly subscriptions: SubscriptionHealth,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<{ status: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    /** Checks whose text is not `up` but leave the instance ready. */
    const fine = new Set<string>();
    try {
      await this.eventStore.headPosition();
      checks.eventStore = 'up';
    } catch (error) {
      checks.eventStore = `down: ${(error as Error).message}`;
    }
    for (const projection of this.projector.status()) checks[`projection:${projection.name}`] = projectionCheck(projection);
    for (const status of this.background.status()) checks[`${status.kind}:${status.name}`] = backgroundCheck(status);
    for (const { consumer, check, ready } of this.subscriptions.checks()) {
      checks[`subscription:${consumer}`] = check;
      if (ready) fine.add(`subscription:${consumer}`);
    }
    try {
      const head = await this.eventStore.headPosition();
      if (head) await this.projector.caughtUpTo(head, 1_000);
      checks.readModels = 'up';
    } catch (error) {
      checks.readModels = `behind: ${(error as Error).message}`;
    }
    const ready = Object.entries(checks).every(([name, state]) => state === 'up' || state === WAITING || fine.has(name));
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
