/**
 * What both append RPCs share: reading the proposed events as KurrentDB does, checking their
 * size against MaxAppendSize the way its Streams service does (Event.SizeOnDisk: data bytes,
 * metadata bytes and twice the type's length, summed over the append), and applying the fault
 * switches before the log decides.
 */
import type { DoubleContext, Stall } from './double-context.js';
import { sizeOnDisk } from './double-log.js';
import type { AppendOutcome, ExpectedState, ProposedEvent } from './double-log.js';
import { EXCEPTION, callError, grpc, uuidText } from './wire.js';
import type { streamsPb } from './wire.js';

type ProposedMessage = InstanceType<typeof streamsPb.AppendReq.ProposedMessage> | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;

export class AppendSizeExceeded extends Error {
  constructor(readonly maxAppendSizeBytes: number) {
    super(`Maximum Append Size of ${maxAppendSizeBytes} Exceeded.`);
  }
}

/** Reads one proposed message; a missing type, content type or id is refused as KurrentDB does. */
export function proposedEvent(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  for (const key of ['type', 'content-type']) {
    if (!metadata.has(key)) {
      throw callError(grpc.status.INVALID_ARGUMENT, `Required Metadata Property '${key}' is missing`, {
        [EXCEPTION.key]: EXCEPTION.missingRequiredMetadataProperty,
      });
    }
  }
  const id = uuidText(message.getId());
  if (!id) throw callError(grpc.status.INVALID_ARGUMENT, 'The event id is not a UUID');
  return {
    id,
    type: metadata.get('type')!,
    isJson: metadata.get('content-type') === 'application/json',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** Adds up the append's size as it arrives; throws once it passes the server's limit. */
export class AppendSize {
  private bytes = 0;

  constructor(private readonly maxAppendSizeBytes: number) {}

  add(events: readonly ProposedEvent[]): void {
    for (const event of events) this.bytes += sizeOnDisk(event);
    if (this.bytes > this.maxAppendSizeBytes) throw new AppendSizeExceeded(this.maxAppendSizeBytes);
  }
}

export type Decision = { readonly kind: 'decided'; readonly outcome: AppendOutcome } | { readonly kind: 'stalled'; readonly stall: Stall };

/**
 * Decides one complete append. A stalled append may still be written (the write landed, the
 * acknowledgement did not), which is what makes its outcome unknown to the client.
 */
export function decideAppend(context: DoubleContext, streamName: string, expected: ExpectedState, events: readonly ProposedEvent[]): Decision {
  context.faults.checkLeader();
  const stall = context.faults.takeStall();
  if (stall) {
    if (stall.written) context.log.append(streamName, expected, events);
    return { kind: 'stalled', stall };
  }
  return { kind: 'decided', outcome: context.log.append(streamName, expected, events) };
}
