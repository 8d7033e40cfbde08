/** Builds the context of a command: its id, tenant, actor, and the time it is decided at. */
import { Injectable } from '@nestjs/common';
import type { Actor, CommandContext } from '@ledger/domain';
import { Clock } from './clock.port.js';
import { currentCorrelation } from './correlation.js';

@Injectable()
export class CommandContexts {
  constructor(private readonly clock: Clock) {}

  create(commandId: string, tenant: string, actor: Actor, cause?: { correlationId: string; causationId: string }): CommandContext {
    // A command sent while serving a request correlates with it, unless an event caused it.
    const correlationId = cause ? undefined : currentCorrelation();
    return { commandId, tenant, actor, now: this.clock.now().toISOString(), ...(cause ?? {}), ...(correlationId ? { correlationId } : {}) };
  }
}

/** Who sends a command from outside: the API key's id, or the system itself. */
export interface Caller {
  readonly tenant: string;
  readonly actor: Actor;
}
