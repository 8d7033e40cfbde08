/** Writing to a server-streaming Read call: with back-pressure, and ending it with a status. */
import { callError, grpc } from './wire.js';
import type { streamsPb } from './wire.js';

export type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
export type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
export type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;

/** Writes one message, waiting for the client to take the last ones first (HTTP/2 flow control). */
export async function send(call: ReadCall, message: ReadResp): Promise<void> {
  if (call.write(message) || call.cancelled) return;
  await new Promise<void>((resolve) => {
    // A call that ends (cancelled by the client, or finished by a fault) will never drain.
    const events = ['drain', 'cancelled', 'finish', 'close'] as const;
    const done = (): void => {
      for (const event of events) call.off(event, done);
      resolve();
    };
    for (const event of events) call.on(event, done);
  });
}

/** Ends the call with the error's status; a RangeError is the client's bad argument. */
export function endWithError(call: ReadCall, error: unknown): void {
  if (call.cancelled) return;
  const status = isServiceError(error)
    ? error
    : callError(error instanceof RangeError ? grpc.status.INVALID_ARGUMENT : grpc.status.UNKNOWN, error instanceof Error ? error.message : String(error));
  call.emit('error', status);
}

function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === 'number';
}
