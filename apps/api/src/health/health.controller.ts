/**
 * Liveness and readiness for orchestrators. Live means the process answers; ready means the
 * stores it depends on answer too (projection lag joins this check with the read side).
 */
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventStore } from '@ledger/event-store';

@Controller('health')
export class HealthController {
  constructor(@Inject(EventStore) private readonly eventStore: EventStore) {}

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
    const ready = Object.values(checks).every((state) => state === 'up');
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not ready', checks };
  }
}
