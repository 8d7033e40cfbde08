/**
 * A hash chain per stream: each event's metadata records a SHA-256 over its own content and the
 * hash of the event before it in the same stream. Altering, removing, reordering or moving an
 * event after the fact breaks every later link, so an exported stream can be checked on its own.
 */
import { createHash } from 'node:crypto';
import type { ChainLink, RecordedEvent } from './event-store.port.js';
import { encodeJson } from './serde.js';

export interface ChainInput {
  readonly streamName: string;
  readonly revision: number;
  readonly id: string;
  readonly type: string;
  readonly dataJson: string;
  /** The caller's metadata as encoded, without the chain link itself. */
  readonly metadataJson: string;
}

export function chainHash(previousHash: string | null, input: ChainInput): string {
  // One update of the joined text: each update() crosses into native code, and appends are hot.
  const text = `${previousHash ?? ''}\n${input.streamName}\n${input.revision}\n${input.id}\n${input.type}\n${input.dataJson}\n${input.metadataJson}`;
  return createHash('sha256').update(text).digest('hex');
}

/** Checks one event against the hash of the event before it in its stream. */
export function checkLink(event: RecordedEvent, expectedPrevious: string | null): string | undefined {
  if (!event.chain.hash) return 'the event carries no chain link';
  if (event.chain.previousHash !== expectedPrevious) return 'the link to the previous event does not match';
  const hash = chainHash(expectedPrevious, {
    streamName: event.streamName,
    revision: event.revision,
    id: event.id,
    type: event.type,
    dataJson: encodeJson(event.data),
    metadataJson: encodeJson(event.metadata),
  });
  return hash === event.chain.hash ? undefined : 'the content does not match its recorded hash';
}

export type ChainVerdict =
  | { readonly ok: true; readonly checked: number }
  | { readonly ok: false; readonly checked: number; readonly brokenAt: number; readonly reason: string };

/**
 * Checks events of one stream, read with `raw: true` (as stored, not upcast), from its first event.
 * Passing a later slice is allowed when `previousHash` is the hash of the event just before it.
 */
export function verifyChain(events: readonly RecordedEvent[], previousHash: string | null = null): ChainVerdict {
  let expectedPrevious = previousHash;
  let checked = 0;
  for (const event of events) {
    const problem = checkLink(event, expectedPrevious);
    if (problem) return { ok: false, checked, brokenAt: event.revision, reason: problem };
    expectedPrevious = event.chain.hash;
    checked++;
  }
  return { ok: true, checked };
}

/**
 * Appends the chain link to already-encoded metadata, without re-encoding it. Last, so that
 * parsing and re-serialising the metadata (as the EventStoreDB client makes us do) gives back the
 * same text even when the caller's keys look like integers, which JavaScript orders first; and
 * so a reader can split it off the end (see stored-event.ts).
 */
export function withChainLink(metadataJson: string, link: ChainLink): string {
  const linkJson = JSON.stringify({ previousHash: link.previousHash, hash: link.hash });
  return metadataJson === '{}' ? `{"$chain":${linkJson}}` : `${metadataJson.slice(0, -1)},"$chain":${linkJson}}`;
}
