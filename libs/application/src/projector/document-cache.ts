/**
 * The documents a projection runner has read from or written to the read store, as stored, so a
 * catch-up reads each document once instead of once per page. It is only correct while the
 * runner is the sole writer of its generation and follows the log without gaps: the runner
 * clears it when its stored checkpoint is not where it left it (another writer moved it), and the
 * lease (ProjectorHost) keeps other hosts out.
 *
 * It also knows, for a generation that was empty when the runner started, that a key it has
 * never seen is absent: a rebuild then never asks the store for documents that cannot exist.
 * Bounded: past `limit` entries the oldest are evicted; their keys are remembered (a key costs
 * far less than its document), so an evicted document is read back rather than taken as absent.
 */
import type { Doc } from '@ledger/projections';

export class DocumentCache {
  private readonly docs = new Map<string, Doc | null>();
  private readonly evicted = new Set<string>();
  private emptyStore = false;

  constructor(private readonly limit = 200_000) {}

  /** The stored document, `null` when known absent, `undefined` when the store must be asked. */
  get(id: string): Doc | null | undefined {
    const doc = this.docs.get(id);
    if (doc !== undefined) return doc;
    return this.emptyStore && !this.evicted.has(id) ? null : undefined;
  }

  /** Records what the store holds (after a read, or after a write was acknowledged). */
  set(id: string, doc: Doc | null): void {
    // Re-inserting moves the key to the end, so eviction takes the least recently written.
    this.docs.delete(id);
    this.docs.set(id, doc);
    if (this.docs.size <= this.limit) return;
    const excess = this.docs.size - Math.floor(this.limit * 0.9);
    let dropped = 0;
    for (const key of this.docs.keys()) {
      if (dropped++ >= excess) break;
      this.docs.delete(key);
      if (this.emptyStore) this.evicted.add(key);
    }
    // A host that keeps running long after its rebuild would remember keys without end; past a
    // bound it stops assuming absence instead, and asks the store about every key it lacks.
    if (this.evicted.size > this.limit * 4) {
      this.evicted.clear();
      this.emptyStore = false;
    }
  }

  /** From now on, keys never seen are absent: the generation held no documents at the start. */
  assumeEmptyStore(): void {
    this.emptyStore = true;
  }

  clear(): void {
    this.docs.clear();
    this.evicted.clear();
    this.emptyStore = false;
  }
}
