/**
 * The wire vocabulary of the KurrentDB test double: the protobuf messages and gRPC service
 * descriptors generated inside `@kurrent/kurrentdb-client` (the same files the client itself
 * encodes with, so the double and the client can never disagree on field numbers), and the few
 * translations between them and the double's log.
 *
 * The generated files are CommonJS, so they are imported whole (their exports are assigned at
 * run time, which ES modules cannot name); google-protobuf's own well-known types have no
 * declarations in this project, so the two used here are required and typed through the
 * generated messages that carry them.
 */
import { createRequire } from 'node:module';
import grpc from '@grpc/grpc-js';
import featuresGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import featuresPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import statusPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import type { StoredEvent } from './double-log.js';

export { featuresGrpc, featuresPb, grpc, sharedPb, statusPb, streamsGrpc, streamsPb };

type UUID = InstanceType<typeof sharedPb.UUID>;
type GoogleEmpty = NonNullable<ReturnType<InstanceType<typeof sharedPb.WrongExpectedVersion>['getCurrentNoStream']>>;
type Any = NonNullable<ReturnType<InstanceType<typeof statusPb.Status>['getDetails']>>;

const load = createRequire(import.meta.url);
const { Empty: GoogleEmptyClass } = load('google-protobuf/google/protobuf/empty_pb.js') as { Empty: new () => GoogleEmpty };
const { Any: AnyClass } = load('google-protobuf/google/protobuf/any_pb.js') as { Any: new () => Any };

export function googleEmpty(): GoogleEmpty {
  return new GoogleEmptyClass();
}

/** KurrentDB's gRPC metadata keys for typed failures (Constants.Exceptions in the server). */
export const EXCEPTION = {
  key: 'exception',
  notLeader: 'not-leader',
  leaderHost: 'leader-endpoint-host',
  leaderPort: 'leader-endpoint-port',
  maximumAppendSizeExceeded: 'maximum-append-size-exceeded',
  maximumAppendSize: 'maximum-append-size',
  missingRequiredMetadataProperty: 'missing-required-metadata-property',
} as const;

/** A status that ends a call, shaped as grpc-js expects from a handler. */
export function callError(code: grpc.status, details: string, metadata: Record<string, string> = {}): grpc.ServiceError {
  const trailers = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) trailers.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata: trailers });
}

export function notLeaderError(host: string, port: number): grpc.ServiceError {
  // KurrentDB answers NotFound with the leader's address in the trailers (RpcExceptions.LeaderInfo).
  return callError(grpc.status.NOT_FOUND, 'Leader info available', {
    [EXCEPTION.key]: EXCEPTION.notLeader,
    [EXCEPTION.leaderHost]: host,
    [EXCEPTION.leaderPort]: String(port),
  });
}

export function maxAppendSizeError(maxAppendSizeBytes: number): grpc.ServiceError {
  return callError(grpc.status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSizeBytes} Exceeded.`, {
    [EXCEPTION.key]: EXCEPTION.maximumAppendSizeExceeded,
    [EXCEPTION.maximumAppendSize]: String(maxAppendSizeBytes),
  });
}

/** The in-band error of a batch append: a google.rpc.Status whose details name the failure. */
export function batchStatus(code: number, message: string, typeName: string, details: { serializeBinary(): Uint8Array }): InstanceType<typeof statusPb.Status> {
  const packed = new AnyClass();
  packed.pack(details.serializeBinary(), typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(packed);
}

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The id as KurrentDB stores it (a Guid), printed in lower case; undefined when it is not one. */
export function uuidText(uuid: UUID | undefined): string | undefined {
  if (!uuid) return undefined;
  let text = uuid.getString().toLowerCase();
  if (uuid.hasStructured()) {
    const structured = uuid.getStructured()!;
    const hex = (value: string): string => (BigInt(value) & 0xffff_ffff_ffff_ffffn).toString(16).padStart(16, '0');
    const [most, least] = [hex(structured.getMostSignificantBits()), hex(structured.getLeastSignificantBits())];
    text = `${most.slice(0, 8)}-${most.slice(8, 12)}-${most.slice(12)}-${least.slice(0, 4)}-${least.slice(4)}`;
  }
  return UUID_TEXT.test(text) ? text : undefined;
}

function uuidMessage(id: string, structured: boolean): UUID {
  if (!structured) return new sharedPb.UUID().setString(id);
  const hex = id.replaceAll('-', '');
  const signed = (part: string): string => BigInt.asIntN(64, BigInt(`0x${part}`)).toString();
  return new sharedPb.UUID().setStructured(
    new sharedPb.UUID.Structured().setMostSignificantBits(signed(hex.slice(0, 16))).setLeastSignificantBits(signed(hex.slice(16))),
  );
}

export function streamIdentifier(streamName: string): InstanceType<typeof sharedPb.StreamIdentifier> {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(streamName, 'utf8'));
}

export function streamNameOf(identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

/** One event as a read or a subscription delivers it; `structured` follows the request's UUID option. */
export function readEvent(event: StoredEvent, structured: boolean): InstanceType<typeof streamsPb.ReadResp> {
  const position = event.position.toString();
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, structured))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setCustomMetadata(event.metadata)
    .setData(event.data);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('created', event.createdTicks.toString());
  metadata.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  return new streamsPb.ReadResp().setEvent(new streamsPb.ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(position));
}
