/**
 * Streams/Append: the client-streaming append (an options message, then one message per event,
 * one answer). The JS client uses it only when the server does not list BatchAppend among its
 * supported methods, or when a call carries its own credentials. Answers, after KurrentDB:
 * success with the stream's revision and the log position; a wrong expected version in-band,
 * with the expected and actual revisions in both the current and the 20.6 fields; MaxAppendSize
 * as INVALID_ARGUMENT with the limit in the trailers; a write not acknowledged in time as ABORTED
 * ("Operation timed out").
 */
import type { DoubleContext } from './double-context.js';
import type { AppendOutcome, ExpectedState, ProposedEvent } from './double-log.js';
import { AppendSize, AppendSizeExceeded, decideAppend, proposedEvent } from './double-append.js';
import { callError, grpc, maxAppendSizeError, sharedPb, streamNameOf, streamsPb } from './wire.js';

type AppendReq = InstanceType<typeof streamsPb.AppendReq>;
type AppendResp = InstanceType<typeof streamsPb.AppendResp>;
type Options = InstanceType<typeof streamsPb.AppendReq.Options>;

const { ExpectedStreamRevisionCase } = streamsPb.AppendReq.Options;

export function appendHandler(context: DoubleContext): grpc.handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    const requests: AppendReq[] = [];
    call.on('data', (request: AppendReq) => requests.push(request));
    call.on('end', () => {
      try {
        answer(context, call, requests, callback);
      } catch (error) {
        callback(error instanceof AppendSizeExceeded ? maxAppendSizeError(error.maxAppendSizeBytes) : (error as grpc.ServiceError));
      }
    });
  };
}

function answer(context: DoubleContext, call: grpc.ServerReadableStream<AppendReq, AppendResp>, requests: AppendReq[], callback: grpc.sendUnaryData<AppendResp>): void {
  const [first, ...rest] = requests;
  const options = first?.getOptions();
  if (!options) throw callError(grpc.status.INVALID_ARGUMENT, 'An append starts with its options');
  const streamName = streamNameOf(options.getStreamIdentifier());
  context.record({ method: 'Append', kind: 'append', client: context.clientOf(call), stream: streamName });
  const expected = expectedOf(options);
  const events: ProposedEvent[] = rest.map((request) => {
    const message = request.getProposedMessage();
    if (!message) throw callError(grpc.status.INVALID_ARGUMENT, 'Only events may follow the options of an append');
    return proposedEvent(message);
  });
  new AppendSize(context.settings.maxAppendSizeBytes).add(events);
  const decision = decideAppend(context, streamName, expected, events);
  if (decision.kind === 'decided') {
    callback(null, response(decision.outcome, options));
  } else if (decision.stall.reply === 'timeout') {
    context.later(context.settings.writeTimeoutMs, () => callback(callError(grpc.status.ABORTED, 'Operation timed out: Commit phase timeout.')));
  }
}

function expectedOf(options: Options): ExpectedState {
  switch (options.getExpectedStreamRevisionCase()) {
    case ExpectedStreamRevisionCase.REVISION:
      return Number(options.getRevision());
    case ExpectedStreamRevisionCase.NO_STREAM:
      return 'no_stream';
    case ExpectedStreamRevisionCase.STREAM_EXISTS:
      return 'stream_exists';
    case ExpectedStreamRevisionCase.ANY:
      return 'any';
    default:
      throw callError(grpc.status.INVALID_ARGUMENT, 'An append must state its expected stream revision');
  }
}

function response(outcome: AppendOutcome, options: Options): AppendResp {
  if (outcome.kind !== 'wrong_expected_version') {
    const position = new streamsPb.AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString());
    return new streamsPb.AppendResp().setSuccess(new streamsPb.AppendResp.Success().setCurrentRevision(String(outcome.lastRevision)).setPosition(position));
  }
  const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
  if (outcome.current === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty()).setNoStream2060(new sharedPb.Empty());
  else wrong.setCurrentRevision(String(outcome.current)).setCurrentRevision2060(outcome.current);
  switch (options.getExpectedStreamRevisionCase()) {
    case ExpectedStreamRevisionCase.REVISION:
      wrong.setExpectedRevision(options.getRevision()).setExpectedRevision2060(Number(options.getRevision()));
      break;
    case ExpectedStreamRevisionCase.NO_STREAM:
      // KurrentDB also sets the 20.6 field to ulong.MaxValue here; no client reads it, and it does not fit a double.
      wrong.setExpectedNoStream(new sharedPb.Empty());
      break;
    case ExpectedStreamRevisionCase.STREAM_EXISTS:
      wrong.setExpectedStreamExists(new sharedPb.Empty()).setStreamExists2060(new sharedPb.Empty());
      break;
    default:
      wrong.setExpectedAny(new sharedPb.Empty()).setAny2060(new sharedPb.Empty());
  }
  return new streamsPb.AppendResp().setWrongExpectedVersion(wrong);
}
