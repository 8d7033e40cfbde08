/**
 * Faults on real connections, for tests: a Toxiproxy proxy in front of a real server (stripe-mock,
 * FerretDB, an SMTP server), on a free loopback port of its own, with toxics added and removed
 * while the test runs. Toxiproxy (TOXIPROXY_URL) is a local test service started by
 * `scripts/test-services.sh start`; suites that need it use `describeWithToxiproxy`, which skips
 * them with the reason when it is absent, except in CI, where an absent Toxiproxy is a failure.
 *
 * Every proxy gets a unique name, so suites running at once on one Toxiproxy never meet, and is
 * deleted by `remove()` (or `FaultyNetwork.removeAll()`), which also cuts its connections.
 * `toxiproxy-node-client` is a development dependency, so it is loaded only when a proxy is made.
 */
import { randomUUID } from 'node:crypto';
import type { Proxy, Toxiproxy } from 'toxiproxy-node-client';

/** Upstream: what the client sends to the server; downstream: what the server answers. */
export type Direction = 'upstream' | 'downstream';

export const TOXIPROXY_MISSING = 'TOXIPROXY_URL not set; run `bash scripts/test-services.sh start` and eval its `env`';

export function toxiproxyUrl(): string | undefined {
  return process.env.TOXIPROXY_URL || undefined;
}

/**
 * `describe` when Toxiproxy is configured; otherwise a skipped suite whose name says why. In CI
 * (CI set) the suite runs and fails instead, because there a missing Toxiproxy is a broken setup.
 */
export function describeWithToxiproxy(name: string, body: () => void): void {
  if (toxiproxyUrl()) return describe(name, body);
  if (process.env.CI) {
    return describe(name, () => {
      it('needs Toxiproxy', () => {
        throw new Error(`${TOXIPROXY_MISSING} (.ci/run starts it; CI must not skip fault tests)`);
      });
    });
  }
  console.warn(`${name}: skipped, ${TOXIPROXY_MISSING}`);
  describe.skip(`${name} (skipped: ${TOXIPROXY_MISSING})`, body);
}

/** A toxic in place; `remove` lifts it (idempotent, so cleanup code may call it again). */
export interface Fault {
  readonly name: string;
  remove(): Promise<void>;
}

interface ToxicOptions {
  readonly direction?: Direction;
}

export class FaultyLink {
  private seq = 0;
  private readonly faults = new Set<Fault>();

  constructor(
    private proxy: Proxy,
    /** Where clients connect instead of the server: 127.0.0.1 and the proxy's own port. */
    readonly host: string,
    readonly port: number,
  ) {}

  get name(): string {
    return this.proxy.name;
  }

  /** `host:port` clients connect to. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Adds `latencyMs` (± `jitterMs`) to every chunk in one direction (default downstream). */
  latency(latencyMs: number, options: ToxicOptions & { jitterMs?: number } = {}): Promise<Fault> {
    return this.add('latency', { latency: latencyMs, jitter: options.jitterMs ?? 0 }, options.direction);
  }

  /**
   * A connection reset (TCP RST) as soon as data next flows in that direction, or `afterMs`
   * later. Downstream (the default), the request reaches the server and its answer is lost: the
   * caller cannot know whether it took effect.
   */
  resetPeer(options: ToxicOptions & { afterMs?: number } = {}): Promise<Fault> {
    return this.add('reset_peer', { timeout: options.afterMs ?? 0 }, options.direction);
  }

  /**
   * The server stops answering: data in that direction is dropped, and the connection is closed
   * after `closeAfterMs`, or never with 0 (the default), which leaves the client to its timeout.
   */
  stall(options: ToxicOptions & { closeAfterMs?: number } = {}): Promise<Fault> {
    return this.add('timeout', { timeout: options.closeAfterMs ?? 0 }, options.direction);
  }

  /** Caps the rate at `kilobytesPerSecond` in one direction. */
  bandwidth(kilobytesPerSecond: number, options: ToxicOptions = {}): Promise<Fault> {
    return this.add('bandwidth', { rate: kilobytesPerSecond }, options.direction);
  }

  /** Cuts the data into small pieces (`averageBytes` ± `variationBytes`), `delayUs` apart. */
  slicer(options: ToxicOptions & { averageBytes: number; variationBytes?: number; delayUs?: number }): Promise<Fault> {
    const attributes = { average_size: options.averageBytes, size_variation: options.variationBytes ?? 0, delay: options.delayUs ?? 0 };
    return this.add('slicer', attributes, options.direction);
  }

  /** Closes the connection once `bytes` have passed in that direction. */
  limitData(bytes: number, options: ToxicOptions = {}): Promise<Fault> {
    return this.add('limit_data', { bytes }, options.direction);
  }

  /** The server is gone: the proxy stops listening and cuts every open connection. */
  async disable(): Promise<void> {
    this.proxy = await this.proxy.update({ enabled: false, listen: this.address, upstream: this.proxy.upstream });
  }

  /** Listens again, on the same port. */
  async enable(): Promise<void> {
    this.proxy = await this.proxy.update({ enabled: true, listen: this.address, upstream: this.proxy.upstream });
  }

  /** Lifts every toxic and re-enables the proxy: the network is healthy again. */
  async heal(): Promise<void> {
    await Promise.all([...this.faults].map((fault) => fault.remove()));
    if (!this.proxy.enabled) await this.enable();
  }

  /** Deletes the proxy, which closes its listener and its connections. */
  async remove(): Promise<void> {
    this.faults.clear();
    await this.proxy.remove().catch((error: unknown) => {
      // Already gone (a Toxiproxy restarted under the test) is what removing wants anyway.
      if (!String(error).includes('404')) throw error;
    });
  }

  private async add(type: string, attributes: object, direction: Direction = 'downstream'): Promise<Fault> {
    const name = `${type}_${direction}_${++this.seq}`;
    const toxic = await this.proxy.addToxic({ name, type: type as never, stream: direction, toxicity: 1, attributes });
    let removed = false;
    const fault: Fault = {
      name,
      remove: async () => {
        if (removed) return;
        removed = true;
        this.faults.delete(fault);
        await toxic.remove();
      },
    };
    this.faults.add(fault);
    return fault;
  }
}

/** The proxies one suite made on one Toxiproxy. */
export class FaultyNetwork {
  private readonly links = new Set<FaultyLink>();

  private constructor(private readonly client: Toxiproxy) {}

  /** On TOXIPROXY_URL; throws the reason when it is not set. */
  static async connect(url = toxiproxyUrl()): Promise<FaultyNetwork> {
    if (!url) throw new Error(TOXIPROXY_MISSING);
    const { Toxiproxy: Client } = await import('toxiproxy-node-client');
    const client = new Client(url.replace(/\/+$/, ''));
    await client.getVersion().catch((error: unknown) => {
      throw new Error(`Toxiproxy does not answer at ${url} (${String(error)}); run \`bash scripts/test-services.sh start\``);
    });
    return new FaultyNetwork(client);
  }

  /**
   * A proxy to `upstream` (`host:port`) on a free loopback port. `label` names it in Toxiproxy's
   * list (made unique here), e.g. "stripe" or "mongodb".
   */
  async proxy(label: string, upstream: string): Promise<FaultyLink> {
    const name = `${label}_${process.pid}_${randomUUID().slice(0, 8)}`;
    // Port 0: Toxiproxy takes a free port and answers with the address it listens on.
    const proxy = await this.client.createProxy({ name, listen: '127.0.0.1:0', upstream, enabled: true });
    const [host, port] = splitAddress(proxy.listen);
    const link = new FaultyLink(proxy, host, port);
    this.links.add(link);
    return link;
  }

  /** Deletes every proxy this network made. */
  async removeAll(): Promise<void> {
    const links = [...this.links];
    this.links.clear();
    await Promise.all(links.map((link) => link.remove()));
  }
}

function splitAddress(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port <= 0) throw new Error(`Toxiproxy answered an unexpected listen address: ${address}`);
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  return [host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port];
}
