/**
 * Catches several projections up by reading the log once for all of them. Each page of the log
 * (the events any of them handles) is handed to every runner, which applies the events it
 * handles past its own checkpoint; the runners of one page write in parallel. Reading the log
 * once instead of once per projection, in large pages, is what makes a rebuild of every read
 * model fast; live following stays per runner (ProjectorHost), in small pages, for latency.
 *
 * A runner that fails (a malformed event, a lost lease) drops out with its error kept in its
 * status; the others go on. The log is read from the oldest of their checkpoints.
 */
import type { EventStore, Position } from '@ledger/event-store';
import type { ProjectionRunner } from './projection-runner.js';

export interface CatchUpOptions {
  /** Events read from the log per page; larger pages mean fewer writes of shared documents. */
  readonly pageSize?: number;
  /** Hears the events applied so far (summed over runners) after each page. */
  readonly onPage?: (applied: number) => void | Promise<void>;
  /** Hears each runner that drops out, with its error. */
  readonly onFailure?: (runner: ProjectionRunner, error: unknown) => void;
  /** Asked before each page; true stops the catch-up there (a shutdown, a time budget). */
  readonly stop?: () => boolean;
}

export const CATCH_UP_PAGE_SIZE = 5_000;

function oldest(positions: readonly (Position | undefined)[]): Position | undefined {
  if (positions.includes(undefined)) return undefined;
  return (positions as Position[]).reduce((a, b) => (b < a ? b : a));
}

/** Returns how many events were applied, summed over the runners. */
export async function catchUpTogether(events: EventStore, runners: readonly ProjectionRunner[], options: CatchUpOptions = {}): Promise<number> {
  let active = [...runners];
  if (active.length === 0) return 0;
  const eventTypes = [...new Set(runners.flatMap((runner) => runner.projection.eventTypes))];
  let after = oldest(await Promise.all(active.map((runner) => runner.resume())));
  let applied = 0;
  while (active.length > 0 && !options.stop?.()) {
    const page = await events.readAll({ filter: { eventTypes }, maxCount: options.pageSize ?? CATCH_UP_PAGE_SIZE, ...(after ? { after } : {}) });
    if (page.length === 0) break;
    const results = await Promise.allSettled(active.map((runner) => runner.applyShared(page)));
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') applied += result.value;
      else options.onFailure?.(active[i]!, result.reason);
    });
    active = active.filter((_, i) => results[i]!.status === 'fulfilled');
    after = page[page.length - 1]!.position;
    await options.onPage?.(applied);
  }
  return applied;
}
