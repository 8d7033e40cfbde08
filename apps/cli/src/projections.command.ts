/** `ledger projections rebuild`: rebuilds read models from the log without taking them offline. */
import { SingleBar, Presets } from 'cli-progress';
import { rebuildProjection } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { createEventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import type { Projection } from '@ledger/projections';
import { createReadStore } from '@ledger/read-store';

export interface RebuildCommandOptions {
  readonly all: boolean;
}

/** The projections asked for, or the message refusing an unknown name. */
function select(names: readonly string[], options: RebuildCommandOptions): Projection[] | string {
  if (options.all) return [...allProjections];
  const known = allProjections.map((projection) => projection.name);
  if (names.length === 0) return `Name a projection or pass --all. Known projections: ${known.join(', ')}`;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) return `Unknown projection ${unknown.join(', ')}. Known projections: ${known.join(', ')}`;
  return allProjections.filter((projection) => names.includes(projection.name));
}

export async function projectionsRebuild(config: Configuration, names: readonly string[], options: RebuildCommandOptions): Promise<number> {
  const projections = select(names, options);
  if (typeof projections === 'string') {
    console.error(projections);
    return 2;
  }
  const events = createEventStore(config);
  const reads = createReadStore(config);
  try {
    for (const projection of projections) {
      const bar = process.stderr.isTTY ? new SingleBar({ format: `${projection.name} {bar} {value} events`, stream: process.stderr }, Presets.shades_classic) : undefined;
      bar?.start(0, 0);
      const started = Date.now();
      const result = await rebuildProjection(events, reads, projection, { onProgress: (applied) => bar?.update(applied) });
      bar?.stop();
      console.log(`${result.projection}: rebuilt ${result.applied} events into ${result.to} (was ${result.from}) in ${Date.now() - started} ms.`);
    }
    return 0;
  } finally {
    await Promise.all([events.close(), reads.close()]);
  }
}
