/**
 * Which generation of each projection serves reads, kept in the read store itself (collection
 * `projection_registry`, one document per projection) so every process that reads or writes the
 * read models sees the same answer without another database.
 *
 * Registry writes go through `ReadStore.apply` like any projection's, so they are guarded by
 * position. The position given is not a log position but the entry's own revision, encoded like
 * one and raised by one on every write. A log position would not do: rebuilding twice at an
 * unchanged head would give the switch the same position as the one before it, and the guard
 * would silently ignore it. With revisions, of two writers that read the same entry only the
 * first write lands; the second reads its entry back, sees it lost, and stops.
 */
import { encodePosition } from '@ledger/event-store';
import type { Position } from '@ledger/event-store';
import type { Projection } from '@ledger/projections';
import type { ReadStore } from '@ledger/read-store';
import { defaultGeneration, versionedCollection } from './projection-runner.js';

export const REGISTRY_COLLECTION = 'projection_registry';

export interface RegistryEntry {
  readonly name: string;
  /** The generation that serves reads. */
  readonly active: string;
  /** A generation a rebuild is writing, if one is under way (or crashed). */
  readonly building?: string;
  /** The active generation's checkpoint when it was switched to. */
  readonly position?: Position;
  /** Raised by one on every write; the guard position of the entry. */
  readonly revision: number;
}

export async function readRegistry(reads: ReadStore, name: string): Promise<RegistryEntry | undefined> {
  return reads.get<RegistryEntry>(REGISTRY_COLLECTION, name);
}

/** True when `generation` holds documents of the projection's current version. */
function ofCurrentVersion(projection: Projection, generation: string): boolean {
  const base = defaultGeneration(projection);
  return generation === base || generation.startsWith(`${base}_`);
}

/**
 * The generation that serves the projection: the registry's, or the default one when the
 * registry names none or one of an older version (a version bump starts over from zero).
 */
export function activeIn(projection: Projection, entry: RegistryEntry | undefined): string {
  return entry && ofCurrentVersion(projection, entry.active) ? entry.active : defaultGeneration(projection);
}

export async function activeGeneration(reads: ReadStore, projection: Projection): Promise<string> {
  return activeIn(projection, await readRegistry(reads, projection.name));
}

/** Writes the entry (its revision one above the stored one); false when another writer won. */
export async function writeRegistry(reads: ReadStore, entry: RegistryEntry): Promise<boolean> {
  const position = encodePosition(BigInt(entry.revision));
  const doc = {
    name: entry.name,
    active: entry.active,
    revision: entry.revision,
    ...(entry.building ? { building: entry.building } : {}),
    ...(entry.position ? { position: entry.position } : {}),
  };
  await reads.apply(`${REGISTRY_COLLECTION}/${entry.name}`, { writes: [{ collection: REGISTRY_COLLECTION, key: entry.name, doc, position }], checkpoint: position });
  const stored = await readRegistry(reads, entry.name);
  return stored?.revision === entry.revision && stored.active === entry.active && stored.building === entry.building;
}

/** Drops the collections of one generation of the projection (its checkpoint stays, unused). */
export async function dropGeneration(reads: ReadStore, projection: Projection, generation: string): Promise<void> {
  for (const collection of projection.collections) await reads.dropCollection(versionedCollection(projection, collection, generation));
}
