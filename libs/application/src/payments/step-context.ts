/**
 * A multi-step process issues one command per stream it touches, each with its own command id
 * derived from the process's root command, so each step's events get ids of their own while a
 * resumed process derives exactly the same ones again. Correlation stays with the root.
 */
import type { CommandContext } from '@ledger/domain';
import { deriveId } from '../ids.js';

export function stepContext(root: CommandContext, step: string): CommandContext {
  return {
    ...root,
    commandId: deriveId(root.commandId, step),
    correlationId: root.correlationId ?? root.commandId,
    causationId: root.commandId,
  };
}
