/**
 * A catch-up subscription to $all, after KurrentDB's AllSubscription(Filtered) enumerators: it
 * confirms, sends every event strictly after the requested position, then (filtered) a
 * checkpoint and `caught_up`, then live events as they are appended, in log order, with no gap
 * and no duplicate. A filtered subscription also sends a checkpoint each time it has looked at
 * `checkpointInterval` events, so a client whose filter rarely matches can still record how far
 * the server looked; a checkpoint is a position the client may resume after without missing an
 * event that passes the filter.
 *
 * The double reads its in-memory log directly, so it never "falls behind" into a second catch-up
 * phase the way KurrentDB can when its live buffer overflows.
 */
import { randomUUID } from 'node:crypto';
import type { DoubleContext, SubscriptionEnding } from './double-context.js';
import { UNFILTERED, logFilter } from './double-filter.js';
import { send } from './read-call.js';
import type { ReadCall } from './read-call.js';
import { callError, grpc, readEvent, streamsPb } from './wire.js';

type Options = InstanceType<typeof streamsPb.ReadReq.Options>;

type Ending = SubscriptionEnding | 'cancelled';

/** Resolves true once it has ended the call itself (a fault), false when the caller should end it. */
export async function subscribeToAll(context: DoubleContext, call: ReadCall, options: Options, structured: boolean): Promise<boolean> {
  const all = options.getAll();
  if (!all) throw new RangeError('A subscription to $all needs its options');
  const filter = options.hasFilter() ? logFilter(options.getFilter()) : UNFILTERED;
  const log = context.log;
  // Subscribing from a position delivers what comes strictly after it.
  let index = all.hasPosition() ? afterPosition(context, BigInt(all.getPosition()!.getCommitPosition())) : log.indexAt(all.hasEnd() ? 'end' : 'start');
  let ending: Ending | undefined;
  let wake: (() => void) | undefined;
  const end = (how: Ending): void => {
    if (ending !== undefined) return;
    ending = how;
    // A fault ends the call at once, even while a write waits for a slow client.
    finish(call, how);
    wake?.();
  };
  const release = context.track(end);
  const stopListening = log.onAppend(() => wake?.());
  const cancelled = (): void => end('cancelled');
  call.on('cancelled', cancelled);
  try {
    await send(call, new streamsPb.ReadResp().setConfirmation(new streamsPb.ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    let considered = 0;
    let lastLooked: bigint | undefined;
    let caughtUp = false;
    while (ending === undefined) {
      while (index < log.length && ending === undefined) {
        const event = log.eventAt(index++)!;
        lastLooked = event.position;
        if (filter.allows(event)) await send(call, readEvent(event, structured));
        if (filter.checkpointInterval !== undefined && ++considered % filter.checkpointInterval === 0) await send(call, checkpoint(lastLooked));
      }
      if (!caughtUp && ending === undefined) {
        if (filter.checkpointInterval !== undefined && lastLooked !== undefined) await send(call, checkpoint(lastLooked));
        await send(call, new streamsPb.ReadResp().setCaughtUp(new streamsPb.ReadResp.CaughtUp()));
        caughtUp = true;
      }
      if (ending === undefined && index >= log.length) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    return true;
  } finally {
    release();
    stopListening();
    call.off('cancelled', cancelled);
  }
}

function afterPosition(context: DoubleContext, position: bigint): number {
  const index = context.log.indexAt(position);
  return context.log.eventAt(index)?.position === position ? index + 1 : index;
}

function checkpoint(position: bigint): InstanceType<typeof streamsPb.ReadResp> {
  const text = position.toString();
  return new streamsPb.ReadResp().setCheckpoint(new streamsPb.ReadResp.Checkpoint().setCommitPosition(text).setPreparePosition(text));
}

function finish(call: ReadCall, ending: Ending): void {
  if (ending === 'cancelled' || call.cancelled) return;
  if (ending === 'completed') call.end();
  else call.emit('error', callError(grpc.status.UNAVAILABLE, 'Server Is Not Ready'));
}
