/**
 * Rebuilds a projection without downtime: a new generation is projected from position zero
 * beside the active one, which keeps serving (and keeps being followed by the projector) all
 * along; once the new one has caught up with the head, the registry switches to it and the old
 * generation's collections are dropped. Projector hosts notice the switch before their next
 * catch-up, follow the new generation from its checkpoint, and drop the old collections again in
 * case a page of theirs landed after the drop here. One rebuild of a projection at a time: a
 * second one started concurrently loses the registry write and stops.
 */
import type { EventStore, Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { ProjectionRunner, defaultGeneration } from './projection-runner.js';
import { activeIn, dropGeneration, readRegistry, writeRegistry } from './projection-registry.js';

export interface RebuildOptions {
  readonly pageSize?: number;
  /** Hears the number of events projected so far into the new generation. */
  readonly onProgress?: (applied: number) => void | Promise<void>;
}

export interface RebuildResult {
  readonly projection: string;
  readonly from: string;
  readonly to: string;
  /** Events projected into the new generation. */
  readonly applied: number;
  /** The new generation's checkpoint at the switch. */
  readonly position: Position | undefined;
}

export async function rebuildProjection(events: EventStore, reads: ReadStore, projection: Projection, options: RebuildOptions = {}): Promise<RebuildResult> {
  const entry = await readRegistry(reads, projection.name);
  const from = activeIn(projection, entry);
  const revision = (entry?.revision ?? 0) + 1;
  const to = `${defaultGeneration(projection)}_r${revision}`;
  if (!(await writeRegistry(reads, { name: projection.name, active: from, building: to, revision }))) {
    throw new Error(`Another rebuild of ${projection.name} started at the same time`);
  }
  // A rebuild that crashed earlier left its partial generation behind.
  if (entry?.building && entry.building !== from) await dropGeneration(reads, projection, entry.building);

  const runner = new ProjectionRunner(events, reads, projection, options.pageSize, to);
  let applied = 0;
  const progress = async (total: number): Promise<void> => options.onProgress?.(applied + total);
  // The first pass reaches the head as it was; the second takes what arrived meanwhile.
  applied += await runner.catchUp(progress);
  applied += await runner.catchUp(progress);
  const position = runner.status().position;

  if (!(await writeRegistry(reads, { name: projection.name, active: to, revision: revision + 1, ...(position ? { position } : {}) }))) {
    await dropGeneration(reads, projection, to);
    throw new Error(`The registry entry of ${projection.name} changed during the rebuild; ${to} was discarded`);
  }
  await dropGeneration(reads, projection, from);
  return { projection: projection.name, from, to, applied, position };
}
