/**
 * A KurrentDB TEST DOUBLE: an in-process gRPC server speaking the part of KurrentDB's protocol
 * the ledger uses, built from the service definitions and messages shipped inside
 * `@kurrent/kurrentdb-client`, so that the real client (its JavaScript half and its native Rust
 * bridge) can be tested in CI where KurrentDB cannot run. It is not KurrentDB: the README
 * ("EventStoreDB / KurrentDB, production") lists where it is simpler, and the docker compose
 * stack remains the check against the real server.
 *
 * Served: ServerFeatures/GetSupportedMethods (both halves of the client ask it first),
 * Streams/Read (stream and $all reads, $all subscriptions), Streams/Append and
 * Streams/BatchAppend. Fault switches (`faults`) and `restart()` let tests break it on purpose;
 * `calls` and `connections()` let them see what the client did.
 */
import { appendHandler } from './append-rpc.js';
import { batchAppendHandler } from './batch-append-rpc.js';
import { ConnectionFront } from './connection-front.js';
import type { ClientConnection } from './connection-front.js';
import { DoubleFaults } from './double-context.js';
import type { CallRecord, ClientKind, DoubleContext, DoubleSettings, SubscriptionEnding } from './double-context.js';
import { DoubleLog } from './double-log.js';
import { readHandler } from './double-read.js';
import { featuresGrpc, featuresPb, grpc, streamsGrpc } from './wire.js';

export interface KurrentDbDoubleOptions {
  /** The public port; 0 (the default) takes a free one. */
  readonly port?: number;
  /** KurrentDB's MaxAppendSize; 1 MiB by default, the server's default before 25.1. */
  readonly maxAppendSizeBytes?: number;
  /** KurrentDB's WriteTimeoutMs; 2 s by default, as on the server. */
  readonly writeTimeoutMs?: number;
  /** Whether BatchAppend is listed as supported (KurrentDB lists it); without it the JS client appends with Append. */
  readonly batchAppend?: boolean;
}

const HOST = '127.0.0.1';
const STREAMS = 'event_store.client.streams.streams';

export class KurrentDbDouble {
  readonly log = new DoubleLog();
  readonly faults: DoubleFaults;
  /** Every call (and every append request of a BatchAppend call) the double answered, in order. */
  readonly calls: CallRecord[] = [];
  private readonly subscriptions = new Set<(ending: SubscriptionEnding) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly settings: DoubleSettings;
  private front: ConnectionFront | undefined;
  private publicPort = 0;

  private constructor(
    private readonly server: grpc.Server,
    options: KurrentDbDoubleOptions,
  ) {
    this.settings = {
      maxAppendSizeBytes: options.maxAppendSizeBytes ?? 1024 * 1024,
      writeTimeoutMs: options.writeTimeoutMs ?? 2_000,
      batchAppend: options.batchAppend ?? true,
      serverVersion: '24.10.0',
    };
    this.faults = new DoubleFaults(
      () => ({ host: HOST, port: this.publicPort }),
      (ending) => this.endSubscriptions(ending),
      () => this.front?.dropAll() ?? 0,
    );
  }

  static async start(options: KurrentDbDoubleOptions = {}): Promise<KurrentDbDouble> {
    const server = new grpc.Server();
    const double = new KurrentDbDouble(server, options);
    const context = double.context();
    server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: double.supportedMethods(context) });
    server.addService(streamsGrpc.StreamsService, {
      read: readHandler(context),
      append: appendHandler(context),
      batchAppend: batchAppendHandler(context),
    });
    const internalPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${HOST}:0`, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    double.front = new ConnectionFront(internalPort);
    double.publicPort = await double.front.listen(options.port ?? 0);
    return double;
  }

  get port(): number {
    return this.publicPort;
  }

  /** A connection string for `KurrentDBClient.connectionString` or the adapter. */
  get url(): string {
    return `kurrentdb://${HOST}:${this.publicPort}?tls=false`;
  }

  /** Client connections seen so far, open or closed, and which library made each. */
  connections(): ClientConnection[] {
    return this.front?.list() ?? [];
  }

  /**
   * Acts out a restart: every connection is reset, nothing is accepted for `downMs`, then the
   * server listens again on the same port with its log intact, as a durable server would.
   */
  async restart(downMs = 0): Promise<void> {
    const front = this.front!;
    this.endSubscriptions('unavailable');
    await front.close();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await front.listen(this.publicPort);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.front?.close();
    this.server.forceShutdown();
  }

  private endSubscriptions(ending: SubscriptionEnding): number {
    const ends = [...this.subscriptions];
    for (const end of ends) end(ending);
    return ends.length;
  }

  private context(): DoubleContext {
    return {
      log: this.log,
      settings: this.settings,
      faults: this.faults,
      record: (call) => this.calls.push(call),
      clientOf: (call) => {
        // grpc-js names itself in user-agent; the bridge's Rust client (tonic) sends none.
        const agent = call.metadata.get('user-agent').join(' ');
        const client: ClientKind = agent.includes('grpc-node-js') ? 'js' : 'bridge';
        this.front?.tag(call.getPeer(), client);
        return client;
      },
      track: (end) => {
        this.subscriptions.add(end);
        return () => this.subscriptions.delete(end);
      },
      later: (ms, run) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          run();
        }, ms);
        this.timers.add(timer);
      },
    };
  }

  private supportedMethods(context: DoubleContext): grpc.handleUnaryCall<unknown, InstanceType<typeof featuresPb.SupportedMethods>> {
    return (call, callback) => {
      context.record({ method: 'GetSupportedMethods', kind: 'features', client: context.clientOf(call) });
      const method = (serviceName: string, methodName: string, features: string[] = []) =>
        new featuresPb.SupportedMethod().setServiceName(serviceName).setMethodName(methodName).setFeaturesList(features);
      const methods = [
        method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
        method(STREAMS, 'read', ['position', 'events']),
        method(STREAMS, 'append'),
        ...(this.settings.batchAppend ? [method(STREAMS, 'batchappend', ['deadline_duration'])] : []),
      ];
      callback(null, new featuresPb.SupportedMethods().setEventStoreServerVersion(this.settings.serverVersion).setMethodsList(methods));
    };
  }
}
