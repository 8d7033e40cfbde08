/**
 * The chain hashes of streams' latest events this process has seen, so that an append at
 * expected revision N can link its first event to event N without reading it back first.
 *
 * A hit is always right, whatever other writers do: an event, once stored at revision N of a
 * stream, is never replaced (the ledger never deletes or truncates streams, and KurrentDB never
 * reuses a revision), so the hash remembered for (stream, N) is the hash of event N for good.
 * If the stream has moved past N meanwhile, the server refuses the append for its expected
 * revision, exactly as it would have after a read. Only the newest revision seen per stream is
 * kept, and the least recently used streams are forgotten beyond `capacity`.
 */
export class ChainHeads {
  private readonly heads = new Map<string, { readonly revision: number; readonly hash: string | null }>();

  constructor(private readonly capacity = 10_000) {}

  /** The hash of event `revision` of the stream (null when it carries no chain link), or undefined when not known. */
  hashAt(streamName: string, revision: number): string | null | undefined {
    const head = this.heads.get(streamName);
    if (head?.revision !== revision) return undefined;
    // Re-inserting marks the stream as recently used.
    this.heads.delete(streamName);
    this.heads.set(streamName, head);
    return head.hash;
  }

  remember(streamName: string, revision: number, hash: string | null): void {
    const known = this.heads.get(streamName);
    if (known && known.revision > revision) return;
    this.heads.delete(streamName);
    this.heads.set(streamName, { revision, hash });
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }
}
