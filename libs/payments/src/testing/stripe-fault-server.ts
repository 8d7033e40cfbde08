/**
 * A Stripe fault server: a plain HTTP server in front of stripe-mock that the real `stripe` SDK
 * talks to (its host and port point here, as they point at stripe-mock elsewhere). It passes
 * every request through unless a rule the test injected matches, and then answers as Stripe does
 * under a fault: a 500 that is stored under the idempotency key and replayed for every later
 * request with that key, a 409 `idempotency_key_in_use`, a `payment_intent_unexpected_state`, an
 * answer of stripe-mock reshaped (an empty search, an intent that already succeeded), or no answer
 * at all. Tests start it in-process on a free port and drive it through this handle; what the SDK
 * then throws goes through the adapter's own error mapping, as in production.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  intentIdOf,
  keyInUseAnswer,
  serverErrorAnswer,
  unexpectedStateAnswer,
  type CannedAnswer,
  type FaultAnswer,
  type FaultRequest,
  type JsonObject,
} from './stripe-fault-answers.js';

export type { FaultAnswer, FaultRequest, JsonObject } from './stripe-fault-answers.js';
export { listOf } from './stripe-fault-answers.js';
export { ledgerIntent, listing, reshaped, visaCharge } from './stripe-fault-bodies.js';

export interface FaultRule {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  /** The path without its query: exact, or a pattern. */
  readonly path: string | RegExp;
  /** How many requests the rule answers before it stops matching; every one when omitted. */
  readonly times?: number;
  readonly answer: FaultAnswer;
}

/** A request as it reached the server, and what it was answered with. */
export interface SeenRequest extends FaultRequest {
  readonly answer: 'stripe-mock' | FaultAnswer['kind'] | 'replayed-server-error';
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export class StripeFaultServer {
  readonly requests: SeenRequest[] = [];
  private rules: ActiveRule[] = [];
  /** Idempotency keys whose first answer was a 500: Stripe replays it for 24 hours. */
  private readonly storedErrors = new Set<string>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: { readonly host: string; readonly port: number },
  ) {}

  static start(target: { readonly host: string; readonly port: number }): Promise<StripeFaultServer> {
    return new Promise((resolve, reject) => {
      let instance: StripeFaultServer | undefined;
      const server = createServer((incoming, outgoing) => void instance?.handle(incoming, outgoing));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        instance = new StripeFaultServer(server, typeof address === 'object' && address ? address.port : 0, target);
        server.on('connection', (socket: Socket) => instance?.track(socket));
        resolve(instance);
      });
    });
  }

  /** Adds a rule; earlier rules win when several match. */
  inject(rule: FaultRule): this {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Forgets every rule, stored error and recorded request, as for a fresh test. */
  reset(): void {
    this.rules = [];
    this.storedErrors.clear();
    this.requests.length = 0;
  }

  /** The requests seen for a method and path (without query). */
  seen(method: string, path: string | RegExp): SeenRequest[] {
    return this.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)));
  }

  /** Closes the server, cutting any connection left hanging on purpose. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const raw = await readBody(incoming);
    const request = describe(incoming, raw);
    const key = request.idempotencyKey;
    if (key !== undefined && request.method === 'POST' && this.storedErrors.has(key)) {
      this.requests.push({ ...request, answer: 'replayed-server-error' });
      return send(outgoing, serverErrorAnswer(true));
    }
    const rule = this.rules.find((candidate) => candidate.remaining > 0 && matches(candidate, request));
    if (rule) rule.remaining -= 1;
    const answer = rule?.answer;
    this.requests.push({ ...request, answer: answer?.kind ?? 'stripe-mock' });
    try {
      await this.answer(answer, incoming, raw, request, outgoing);
    } catch {
      outgoing.destroy();
    }
  }

  private async answer(
    answer: FaultAnswer | undefined,
    incoming: IncomingMessage,
    raw: Buffer,
    request: FaultRequest,
    outgoing: ServerResponse,
  ): Promise<void> {
    switch (answer?.kind) {
      case undefined: {
        const upstream = await this.forward(incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers, raw);
        outgoing.writeHead(upstream.status, upstream.headers);
        return void outgoing.end(upstream.body);
      }
      case 'hang':
        return;
      case 'server-error':
        if (request.idempotencyKey !== undefined && request.method === 'POST') this.storedErrors.add(request.idempotencyKey);
        return send(outgoing, serverErrorAnswer(false));
      case 'key-in-use':
        return send(outgoing, keyInUseAnswer(request.idempotencyKey));
      case 'unexpected-state':
        return send(outgoing, unexpectedStateAnswer(request, answer.status, answer.intent ?? (await this.mockIntent(incoming, request))));
      case 'reshape': {
        const upstream = await this.forward(incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers, raw);
        const body = answer.reshape(JSON.parse(upstream.body.toString('utf8')) as JsonObject, request);
        return send(outgoing, { status: upstream.status, headers: { 'content-type': 'application/json' }, body });
      }
    }
  }

  /** stripe-mock's rendering of the intent a path names, to embed in an error as Stripe does. */
  private async mockIntent(incoming: IncomingMessage, request: FaultRequest): Promise<JsonObject | undefined> {
    const id = intentIdOf(request.path);
    if (!id) return undefined;
    const { 'content-length': _length, 'content-type': _type, 'idempotency-key': _key, ...headers } = incoming.headers;
    const upstream = await this.forward('GET', `/v1/payment_intents/${id}`, headers, Buffer.alloc(0));
    return JSON.parse(upstream.body.toString('utf8')) as JsonObject;
  }

  private forward(
    method: string,
    url: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest({ host: this.target.host, port: this.target.port, method, path: url, headers }, (answer) => {
        readBody(answer).then((payload) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: payload }), reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  if (rule.method !== undefined && rule.method !== request.method) return false;
  return typeof rule.path === 'string' ? rule.path === request.path : rule.path.test(request.path);
}

function describe(incoming: IncomingMessage, raw: Buffer): FaultRequest {
  const url = new URL(incoming.url ?? '/', 'http://fault-server');
  const header = (name: string): string | undefined => {
    const value = incoming.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const idempotencyKey = header('idempotency-key');
  const account = header('stripe-account');
  const stripeVersion = header('stripe-version');
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    form: new URLSearchParams(raw.toString('utf8')),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(account ? { account } : {}),
    ...(stripeVersion ? { stripeVersion } : {}),
  };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function send(outgoing: ServerResponse, answer: CannedAnswer): void {
  const payload = JSON.stringify(answer.body);
  outgoing.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(payload).toString() });
  outgoing.end(payload);
}
