/**
 * Streams/BatchAppend: the bidirectional append the JS client keeps open and shares between all
 * its appends, each one a correlation id whose events may span several requests (the last one
 * `is_final`). After KurrentDB's BatchAppendWorker:
 * - each append has a deadline, the earlier of the one it carries and the server's write
 *   timeout; an append already past it answers Timeout at once, and one not acknowledged by
 *   then answers Timeout (DEADLINE_EXCEEDED, details `event_store.client.Timeout`);
 * - failures are answered in-band as a google.rpc.Status whose details name them
 *   (WrongExpectedVersion with ALREADY_EXISTS, MaximumAppendSizeExceeded with INVALID_ARGUMENT);
 * - NotLeader is not answered in-band: it ends the whole call, failing every append on it.
 */
import type { DoubleContext } from './double-context.js';
import type { AppendOutcome, ExpectedState, ProposedEvent } from './double-log.js';
import { AppendSize, AppendSizeExceeded, decideAppend, proposedEvent } from './double-append.js';
import { batchStatus, googleEmpty, grpc, sharedPb, streamIdentifier, streamNameOf, streamsPb } from './wire.js';

type BatchAppendReq = InstanceType<typeof streamsPb.BatchAppendReq>;
type BatchAppendResp = InstanceType<typeof streamsPb.BatchAppendResp>;
type Options = InstanceType<typeof streamsPb.BatchAppendReq.Options>;
type BatchCall = grpc.ServerDuplexStream<BatchAppendReq, BatchAppendResp>;
type UUID = ReturnType<BatchAppendReq['getCorrelationId']>;

const { ExpectedStreamPositionCase } = streamsPb.BatchAppendReq.Options;
const CODE = { deadlineExceeded: 4, invalidArgument: 3, alreadyExists: 6 } as const;

interface PendingAppend {
  readonly correlation: UUID;
  readonly streamName: string;
  readonly expected: ExpectedState;
  readonly deadlineMs: number;
  readonly size: AppendSize;
  readonly events: ProposedEvent[];
}

export function batchAppendHandler(context: DoubleContext): grpc.handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingAppend>();
    call.on('data', (request: BatchAppendReq) => {
      try {
        receive(context, call, pending, request);
      } catch (error) {
        // NotLeader (or a malformed request) ends the call, and with it every append it carries.
        if (!call.cancelled) call.emit('error', error);
      }
    });
    call.on('end', () => call.end());
  };
}

function receive(context: DoubleContext, call: BatchCall, pending: Map<string, PendingAppend>, request: BatchAppendReq): void {
  const key = request.getCorrelationId()?.getString() ?? '';
  const options = request.getOptions();
  if (options) {
    const deadlineMs = Math.min(requestedDeadline(options), Date.now() + context.settings.writeTimeoutMs);
    const streamName = streamNameOf(options.getStreamIdentifier());
    const append: PendingAppend = {
      correlation: request.getCorrelationId(),
      streamName,
      expected: expectedOf(options),
      deadlineMs,
      size: new AppendSize(context.settings.maxAppendSizeBytes),
      events: [],
    };
    context.record({ method: 'BatchAppend', kind: 'append', client: context.clientOf(call), stream: streamName });
    if (deadlineMs <= Date.now()) return reply(call, append, { error: timeoutStatus() });
    pending.set(key, append);
  }
  const append = pending.get(key);
  if (!append) return;
  const events = request.getProposedMessagesList().map(proposedEvent);
  try {
    append.size.add(events);
  } catch (error) {
    if (!(error instanceof AppendSizeExceeded)) throw error;
    pending.delete(key);
    const details = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(error.maxAppendSizeBytes);
    return reply(call, append, { error: batchStatus(CODE.invalidArgument, 'MaximumAppendSizeExceeded', 'event_store.client.MaximumAppendSizeExceeded', details) });
  }
  append.events.push(...events);
  if (!request.getIsFinal()) return;
  pending.delete(key);
  const decision = decideAppend(context, append.streamName, append.expected, append.events);
  if (decision.kind === 'decided') return reply(call, append, answer(decision.outcome, append.expected));
  if (decision.stall.reply === 'timeout') context.later(Math.max(0, append.deadlineMs - Date.now()), () => reply(call, append, { error: timeoutStatus() }));
}

function requestedDeadline(options: Options): number {
  if (options.hasDeadline()) {
    const duration = options.getDeadline()!;
    return Date.now() + duration.getSeconds() * 1000 + duration.getNanos() / 1e6;
  }
  return options.hasDeadline21100() ? options.getDeadline21100()!.toDate().getTime() : Number.MAX_SAFE_INTEGER;
}

function expectedOf(options: Options): ExpectedState {
  switch (options.getExpectedStreamPositionCase()) {
    case ExpectedStreamPositionCase.STREAM_POSITION:
      return Number(options.getStreamPosition());
    case ExpectedStreamPositionCase.NO_STREAM:
      return 'no_stream';
    case ExpectedStreamPositionCase.STREAM_EXISTS:
      return 'stream_exists';
    default:
      return 'any';
  }
}

type Result = { readonly success: InstanceType<typeof streamsPb.BatchAppendResp.Success> } | { readonly error: ReturnType<typeof batchStatus> };

function reply(call: BatchCall, append: PendingAppend, result: Result): void {
  if (call.cancelled || call.writableEnded) return;
  const response = new streamsPb.BatchAppendResp().setCorrelationId(append.correlation).setStreamIdentifier(streamIdentifier(append.streamName));
  if ('success' in result) response.setSuccess(result.success);
  else response.setError(result.error);
  call.write(response);
}

function timeoutStatus(): ReturnType<typeof batchStatus> {
  return batchStatus(CODE.deadlineExceeded, 'Timeout', 'event_store.client.Timeout', new sharedPb.Timeout());
}

function answer(outcome: AppendOutcome, expected: ExpectedState): Result {
  if (outcome.kind !== 'wrong_expected_version') {
    const position = new sharedPb.AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString());
    return { success: new streamsPb.BatchAppendResp.Success().setCurrentRevision(String(outcome.lastRevision)).setPosition(position) };
  }
  const details = new sharedPb.WrongExpectedVersion();
  if (outcome.current === 'no_stream') details.setCurrentNoStream(googleEmpty());
  else details.setCurrentStreamRevision(String(outcome.current));
  if (typeof expected === 'number') details.setExpectedStreamPosition(String(expected));
  else if (expected === 'no_stream') details.setExpectedNoStream(googleEmpty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(googleEmpty());
  else details.setExpectedAny(googleEmpty());
  return { error: batchStatus(CODE.alreadyExists, 'WrongExpectedVersion', 'event_store.client.WrongExpectedVersion', details) };
}
