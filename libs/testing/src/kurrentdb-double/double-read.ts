/**
 * Streams/Read, the one RPC behind every read: a stream or $all, forwards or backwards, a count
 * or a subscription. The native bridge reads streams and $all with it; the JS client subscribes
 * with it. Semantics, after KurrentDB's read enumerators:
 * - a stream that was never written answers a `stream_not_found` message, not an error;
 * - forwards reads of $all include the event at the position they start from; backwards reads
 *   return the events before it;
 * - with `control_option.compatibility >= 1` (the bridge sends 1), a stream read ends with the
 *   stream's last revision;
 * - the UUID option decides whether ids travel as text or as two 64-bit halves.
 */
import { UNFILTERED, logFilter } from './double-filter.js';
import type { LogFilter } from './double-filter.js';
import type { DoubleContext } from './double-context.js';
import { subscribeToAll } from './double-subscription.js';
import { endWithError, send } from './read-call.js';
import type { ReadCall, ReadReq, ReadResp } from './read-call.js';
import { callError, grpc, readEvent, streamIdentifier, streamNameOf, streamsPb } from './wire.js';

type Options = InstanceType<typeof streamsPb.ReadReq.Options>;

const { CountOptionCase, ReadDirection } = streamsPb.ReadReq.Options;

export function readHandler(context: DoubleContext): grpc.handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    serveRead(context, call).then(
      (ended) => {
        if (!ended) call.end();
      },
      (error: unknown) => endWithError(call, error),
    );
  };
}

/** Resolves true when the call was already ended (by a fault), false when the caller must end it. */
async function serveRead(context: DoubleContext, call: ReadCall): Promise<boolean> {
  const options = call.request.getOptions();
  if (!options?.hasUuidOption()) throw callError(grpc.status.INVALID_ARGUMENT, "'uuidOption' is a required argument");
  const subscription = options.getCountOptionCase() === CountOptionCase.SUBSCRIPTION;
  const streamName = options.hasStream() ? streamNameOf(options.getStream()!.getStreamIdentifier()) : undefined;
  const kind = streamName === undefined ? (subscription ? 'subscribeToAll' : 'readAll') : subscription ? 'subscribeToStream' : 'readStream';
  const from = startOf(options);
  context.record({ method: 'Read', kind, client: context.clientOf(call), from, ...(streamName === undefined ? {} : { stream: streamName }) });
  context.faults.checkLeader();
  const structured = options.getUuidOption()!.hasStructured();
  switch (kind) {
    case 'readStream':
      await readStream(context, call, options, streamName!, structured);
      return false;
    case 'readAll':
      await readAll(context, call, options, structured);
      return false;
    case 'subscribeToAll':
      return subscribeToAll(context, call, options, structured);
    case 'subscribeToStream':
      // The ledger's adapter never subscribes to one stream; the double says so instead of pretending.
      throw callError(grpc.status.UNIMPLEMENTED, 'The KurrentDB test double does not serve subscriptions to a single stream');
  }
}

function startOf(options: Options): string {
  const stream = options.getStream();
  if (stream) return stream.hasStart() ? 'start' : stream.hasEnd() ? 'end' : stream.getRevision();
  const all = options.getAll();
  return all?.hasPosition() ? all.getPosition()!.getCommitPosition() : all?.hasEnd() ? 'end' : 'start';
}

function countOf(options: Options): number {
  return Math.min(Number(options.getCount()), Number.MAX_SAFE_INTEGER);
}

function directionOf(options: Options): 'forwards' | 'backwards' {
  return options.getReadDirection() === ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
}

async function readStream(context: DoubleContext, call: ReadCall, options: Options, streamName: string, structured: boolean): Promise<void> {
  const stream = options.getStream()!;
  const from = stream.hasStart() ? 'start' : stream.hasEnd() ? 'end' : Number(stream.getRevision());
  const events = context.log.readStream(streamName, from, directionOf(options), countOf(options));
  if (!events) {
    const notFound = new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName));
    await send(call, new streamsPb.ReadResp().setStreamNotFound(notFound));
    return;
  }
  for (const event of events) await send(call, readEvent(event, structured));
  if ((options.getControlOption()?.getCompatibility() ?? 0) >= 1) {
    await send(call, new streamsPb.ReadResp().setLastStreamPosition(String(context.log.lastRevision(streamName))));
  }
}

async function readAll(context: DoubleContext, call: ReadCall, options: Options, structured: boolean): Promise<void> {
  const all = options.getAll();
  if (!all) throw new RangeError('A read of $all needs its options');
  const filter: LogFilter = options.hasFilter() ? logFilter(options.getFilter()) : UNFILTERED;
  const log = context.log;
  const count = countOf(options);
  const position = all.hasPosition() ? BigInt(all.getPosition()!.getCommitPosition()) : undefined;
  const forwards = directionOf(options) === 'forwards';
  let index = log.indexAt(position ?? (all.hasEnd() ? 'end' : 'start'));
  if (!forwards) index--;
  for (let sent = 0; sent < count && index >= 0 && index < log.length; index += forwards ? 1 : -1) {
    const event = log.eventAt(index)!;
    if (!filter.allows(event)) continue;
    await send(call, readEvent(event, structured));
    sent++;
  }
}
