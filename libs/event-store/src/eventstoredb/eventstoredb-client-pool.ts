/**
 * One KurrentDB client per connection string per process, shared by every adapter opened on it.
 *
 * Why: a client is two connections. Its JavaScript half (grpc-js: appends and subscriptions) can
 * be closed, but `dispose()` only cancels the calls in flight and leaves the channel, and with it
 * the HTTP/2 connection, open. Its native half (`@kurrent/bridge`, the Rust client behind every
 * read) has no close at all: its connection task keeps a handle to itself, so the connection
 * lives until the process ends, whatever happens to the JavaScript objects. Opening and closing
 * an adapter therefore left two connections behind each time. Here, closing the last adapter on
 * a connection string cancels its calls and closes the JavaScript channel, and the client is
 * kept for the next adapter on the same string, so the bridge's one connection is reused rather
 * than leaked again.
 *
 * The same self-reference makes a bridge unusable for good when its connection task gives up:
 * when the server cannot be reached on its first connection (or at the leader a NotLeader answer
 * named), the task ends, and every later read fails at once with UnavailableError, even after the
 * server is back. `reviveBridge` replaces such a bridge once the JavaScript half can reach the
 * server again.
 */
import grpc from '@grpc/grpc-js';
import type { Channel } from '@grpc/grpc-js';
import { KurrentDBClient, NotLeaderError, UnavailableError } from '@kurrent/kurrentdb-client';
import { toReadError } from './eventstoredb-errors.js';

interface Pooled {
  readonly client: KurrentDBClient;
  users: number;
  revivedAtMs: number;
}

/** A revival is a guess (see reviveBridge); guessing wrong leaks an idle bridge, so it is rare. */
const REVIVE_INTERVAL_MS = 5_000;

/**
 * The client's own reconnection path, reached from outside: `handleError` with an unavailable
 * error closes the channel it is given (when it is the current one) and forgets it and the gRPC
 * clients made on it, so the next call opens a fresh channel. Both members are declared
 * protected in the client's types but are public at run time.
 */
interface ChannelOwner {
  getChannel(): Promise<Channel>;
  handleError(client: { getChannel(): Channel }, error: Error): Promise<void>;
}

const pool = new Map<string, Pooled>();

export function acquireClient(connectionString: string): KurrentDBClient {
  let pooled = pool.get(connectionString);
  if (!pooled) {
    pooled = { client: KurrentDBClient.connectionString(connectionString), users: 0, revivedAtMs: 0 };
    pool.set(connectionString, pooled);
  }
  pooled.users++;
  return pooled.client;
}

/** Gives the client back; the last user out cancels its calls and closes its JavaScript channel. */
export async function releaseClient(connectionString: string): Promise<void> {
  const pooled = pool.get(connectionString);
  if (!pooled || --pooled.users > 0) return;
  await pooled.client.dispose();
  const owner = pooled.client as unknown as ChannelOwner;
  const channel = await owner.getChannel();
  // A user that arrived meanwhile keeps the channel.
  if (pooled.users > 0) return;
  await owner.handleError({ getChannel: () => channel }, new UnavailableError());
}

/**
 * Called after a read through the bridge failed with UnavailableError. When the JavaScript half
 * is connected to the server right now, the server is up and the bridge is taken for dead: the
 * client gets a new one (its `rustClient` is a getter; an own property hides it) and true is
 * returned, so the read can be tried again. Otherwise the JavaScript half is asked to connect,
 * so that the next failure can tell.
 */
export async function reviveBridge(connectionString: string): Promise<boolean> {
  const pooled = pool.get(connectionString);
  if (!pooled || Date.now() - pooled.revivedAtMs < REVIVE_INTERVAL_MS) return false;
  const channel = await (pooled.client as unknown as ChannelOwner).getChannel();
  if (channel.getConnectivityState(true) !== grpc.connectivityState.READY) return false;
  pooled.revivedAtMs = Date.now();
  // A client made for its bridge only: its JavaScript half never opens a channel.
  const { rustClient } = KurrentDBClient.connectionString(connectionString);
  Object.defineProperty(pooled.client, 'rustClient', { value: rustClient, configurable: true, writable: true });
  return true;
}

/**
 * Runs a read (reads go through the native bridge), once more after a NotLeader answer, the
 * bridge having reconnected to the leader already, or after the bridge was found dead and
 * replaced; failures come out as the port's errors.
 */
export async function readThroughBridge<T>(connectionString: string, read: () => Promise<T>): Promise<T> {
  try {
    try {
      return await read();
    } catch (error) {
      const again = error instanceof NotLeaderError || (error instanceof UnavailableError && (await reviveBridge(connectionString)));
      if (!again) throw error;
      return await read();
    }
  } catch (error) {
    throw toReadError(error);
  }
}
