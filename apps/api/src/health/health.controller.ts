/**
 * Liveness and readiness for orchestrators. Live means the process answers; ready means the
 * stores it depends on answer, no projection has stopped, no process manager or job has stopped
 * on an error, and the read models have caught up with the log (within a second).
 *
 * Each process manager and job shows its state on this instance: `up` while it runs here,
 * `waiting` while another instance holds its lease (ready: one instance runs it, and this one
 * takes over when that one stops), `failed: ...` once it stopped on an error (not ready: work
 * that stopped silently is how e-mails and automatic charges go missing).
 */
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProcessManagerLeases, ProjectorHost } from '@ledger/application';
import type { BackgroundStatus } from '@ledger/application';
import { EventStore } from '@ledger/event-store';

const WAITING = 'waiting: another instance holds its lease';

function backgroundCheck(status: BackgroundStatus): string {
  switch (status.state) {
    case 'running':
      return 'up';
    case 'waiting':
      return WAITING;
    case 'failed':
      return `failed: ${status.failure ?? 'unknown error'}`;
    case 'stopped':
      return 'stopped';
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EventStore) private readonly eventStore: EventStore,
    @Inject(ProjectorHost) private readonly projector: ProjectorHost,
    @Inject(ProcessManagerLeases) private readonly background: ProcessManagerLeases,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<{ status: string; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    try {
      await this.eventStore.headPosition();
      checks.eventStore = 'up';
    } catch (error) {
      checks.eventStore = `down: ${(error as Error).message}`;
    }
    for (const projection of this.projector.status()) {
      checks[`projection:${projection.name}`] = projection.failure ? `stopped: ${projection.failure}` : 'up';
    }
    for (const status of this.background.status()) checks[`${status.kind}:${status.name}`] = backgroundCheck(status);
    try {
      const head = await this.eventStore.headPosition();
      if (head) await this.projector.caughtUpTo(head, 1_000);
      checks.readModels = 'up';
    } catch (error) {
      checks.readModels = `behind: ${(error as Error).message}`;
    }
    const ready = Object.values(checks).every((state) => state === 'up' || state === WAITING);
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
