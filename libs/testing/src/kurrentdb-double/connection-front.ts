/**
 * The double's front door: a TCP listener on the public port that pipes each client connection
 * to the gRPC server behind it. Owning the sockets is what lets a test see the client's
 * connections (how many are open, which library opened them) and cut them for real, mid-call,
 * as a restarting server or a failing network would; the gRPC server itself exposes neither.
 */
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { ClientKind } from './double-context.js';

export interface ClientConnection {
  readonly id: number;
  /** Known once a call has been made on it. */
  readonly client: ClientKind | undefined;
  readonly open: boolean;
}

interface Piped {
  readonly id: number;
  readonly downstream: Socket;
  readonly upstream: Socket;
  client: ClientKind | undefined;
  open: boolean;
}

export class ConnectionFront {
  private server: Server | undefined;
  private readonly connections: Piped[] = [];
  private nextId = 1;

  constructor(private readonly targetPort: number) {}

  /** Listens on `port` (0 for a free one) and resolves the port. */
  listen(port: number): Promise<number> {
    const server = createServer((socket) => this.pipe(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Stops accepting connections and resets the open ones; resolves once the port is free again. */
  async close(): Promise<number> {
    const server = this.server;
    this.server = undefined;
    // The listener's close completes only when its last connection has gone, so they go now.
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    const dropped = this.dropAll();
    await closed;
    return dropped;
  }

  /** Resets every open connection; returns how many there were. */
  dropAll(): number {
    const open = this.connections.filter((connection) => connection.open);
    for (const connection of open) {
      connection.downstream.resetAndDestroy();
      connection.upstream.destroy();
    }
    return open.length;
  }

  /** The connection a gRPC call arrived on, found from the peer address the server saw. */
  tag(peer: string, client: ClientKind): void {
    const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
    const connection = this.connections.find((candidate) => candidate.open && candidate.upstream.localPort === port);
    if (connection) connection.client = client;
  }

  list(): ClientConnection[] {
    return this.connections.map(({ id, client, open }) => ({ id, client, open }));
  }

  private pipe(downstream: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const connection: Piped = { id: this.nextId++, downstream, upstream, client: undefined, open: true };
    this.connections.push(connection);
    downstream.setNoDelay(true);
    upstream.setNoDelay(true);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    const close = (): void => {
      connection.open = false;
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      socket.on('close', close);
      socket.on('error', close);
    }
  }
}
