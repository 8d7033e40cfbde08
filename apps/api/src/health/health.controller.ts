/**
 * Liveness and readiness for orchestrators. Live means the process answers; ready means the
 * stores it depends on answer, no projection has stopped, and the read models have caught up
 * with the log (within a second).
 */
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ProjectorHost } from '@ledger/application';
import { EventStore } from '@ledger/event-store';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(EventStore) private readonly eventStore: EventStore,
    @Inject(ProjectorHost) private readonly projector: ProjectorHost,
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
    try {
      const head = await this.eventStore.headPosition();
      if (head) await this.projector.caughtUpTo(head, 1_000);
      checks.readModels = 'up';
    } catch (error) {
      checks.readModels = `behind: ${(error as Error).message}`;
    }
    const ready = Object.values(checks).every((state) => state === 'up');
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
