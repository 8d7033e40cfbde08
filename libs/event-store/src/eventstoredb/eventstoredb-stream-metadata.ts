/**
 * Stream metadata as EventStoreDB keeps it: a `$metadata` event in the stream's metastream
 * (`$$<stream>`) whose JSON holds the server's own settings (keys starting with `$`, like `$acl`,
 * `$maxAge`, `$tb`) next to custom properties. The port's metadata are the custom properties.
 *
 * The client's own `setStreamMetadata`/`getStreamMetadata` are not used: they rename the keys
 * `maxAge`, `maxCount`, `truncateBefore`, `cacheControl` and `acl` into server settings (a custom
 * `maxCount` would make the server drop old events of a money stream), they append with ANY, and
 * a write replaces the whole document, losing an operator's `$acl`. Here the server settings are
 * kept, the custom properties replaced, and the write states the metastream revision it read.
 */
import { BACKWARDS, END, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError, jsonEvent, metastreamOf } from '@kurrent/kurrentdb-client';
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { StreamMetadata } from '../event-store.port.js';
import type { EventSerde } from '../serde.js';

const ATTEMPTS = 5;

interface MetadataDocument {
  /** Revision of the metastream's last event, undefined when there is none. */
  readonly revision: bigint | undefined;
  readonly document: Readonly<Record<string, unknown>>;
}

export async function getCustomMetadata(client: KurrentDBClient, serde: EventSerde, streamName: string): Promise<StreamMetadata | undefined> {
  const { document } = await readMetadataDocument(client, streamName);
  const custom = Object.fromEntries(Object.entries(document).filter(([key]) => !key.startsWith('$')));
  // Re-encoding restores the tagged bigints and dates the serde wrote.
  return Object.keys(custom).length === 0 ? undefined : (serde.decode(JSON.stringify(custom)) as StreamMetadata);
}

export async function setCustomMetadata(client: KurrentDBClient, serde: EventSerde, streamName: string, metadata: StreamMetadata): Promise<void> {
  assertCustomMetadata(metadata);
  const custom = JSON.parse(serde.encode(metadata)) as Record<string, unknown>;
  for (let attempt = 1; ; attempt++) {
    const { revision, document } = await readMetadataDocument(client, streamName);
    const settings = Object.entries(document).filter(([key]) => key.startsWith('$'));
    try {
      await client.appendToStream(
        metastreamOf(streamName),
        jsonEvent({ type: '$metadata', data: { ...Object.fromEntries(settings), ...custom } }),
        { streamState: revision === undefined ? NO_STREAM : revision },
      );
      return;
    } catch (error) {
      // Another writer changed the metadata between our read and write: merge onto theirs, last writer wins.
      if (!(error instanceof WrongExpectedVersionError) || attempt === ATTEMPTS) throw error;
    }
  }
}

/** Keys starting with `$` are server settings (ACLs, truncation); callers must not set them by accident. */
export function assertCustomMetadata(metadata: unknown): asserts metadata is StreamMetadata {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new RangeError(`Stream metadata must be an object, got ${JSON.stringify(metadata)}`);
  }
  const reserved = Object.keys(metadata).filter((key) => key.startsWith('$'));
  if (reserved.length > 0) {
    throw new RangeError(`Stream metadata keys starting with "$" are EventStoreDB settings: ${reserved.join(', ')}`);
  }
}

async function readMetadataDocument(client: KurrentDBClient, streamName: string): Promise<MetadataDocument> {
  try {
    const options = { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true } as const;
    for await (const { event } of client.readStream(metastreamOf(streamName), options)) {
      if (!event) continue;
      const data = event.isJson ? event.data : undefined;
      const document = typeof data === 'object' && data !== null && !Array.isArray(data) ? data : {};
      return { revision: event.revision, document };
    }
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  return { revision: undefined, document: {} };
}
