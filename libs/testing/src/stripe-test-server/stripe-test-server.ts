/**
 * The one Stripe test server: a plain HTTP server in front of stripe-mock that the real `stripe`
 * SDK talks to (its host and port point here, directly or through Toxiproxy), started in-process
 * on a free loopback port. stripe-mock checks every request against Stripe's OpenAPI spec but
 * answers with fixed fixtures and keeps nothing; this server adds, in one place:
 *
 * - Faults, when a test injects them (`inject`): a 500 that is stored under the idempotency key
 *   and replayed for every later request with that key (as Stripe does for 24 hours), a 409
 *   `idempotency_key_in_use`, a 400 `payment_intent_unexpected_state`, stripe-mock's answer
 *   reshaped (an emptied search, an intent that already succeeded), or no answer at all.
 * - Stripe's state, when started with `keepState` (as `startStripeStandIn` does): idempotency
 *   records (a repeated POST gets the first answer with `Idempotent-Replayed: true`, and waits for
 *   it while it is still being made; other parameters under a used key get 400
 *   `idempotency_error`), and the charges made, found again by retrieve, list and search
 *   (stripe-kept-state.ts), so "charged once" is counted where the money moves.
 *
 * Without `keepState` whatever is not injected is stripe-mock's answer, unchanged, which is what
 * the fault tests reshape. Every request is recorded with how it was answered (`requests`, `seen`).
 * What the SDK then throws goes through the adapter's own error mapping, as in production.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { idempotencyErrorAnswer, keyInUseAnswer, serverErrorAnswer, unexpectedStateAnswer, intentIdOf } from './stripe-fault-answers.js';
import type { FaultAnswer, FaultRequest, JsonObject } from './stripe-fault-answers.js';
import { canned, describeRequest, forward, hostAndPort, jsonAnswer, readBody, send } from './stripe-http.js';
import type { Answer, Target } from './stripe-http.js';
import { StripeKeptState } from './stripe-kept-state.js';
import type { StripeCharge } from './stripe-kept-state.js';

export interface StripeTestServerOptions {
  /** Where stripe-mock listens: its URL (`http://host:port`), or host and port. */
  readonly stripeMock: string | { readonly host: string; readonly port: number };
  /** Keep Stripe's idempotency records and the charges made (see the header); off: stripe-mock's answers as they are. */
  readonly keepState?: boolean;
}

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
  readonly answer: 'stripe-mock' | FaultAnswer['kind'] | 'replayed-server-error' | 'replayed';
  /** Answered from an idempotency record (a stored 500, or a first answer kept), not performed again. */
  readonly replayed: boolean;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

export class StripeTestServer {
  readonly requests: SeenRequest[] = [];
  private rules: ActiveRule[] = [];
  /** First answers by `account|key`, kept as promises so a repeat that arrives early waits for it. */
  private readonly records = new Map<string, Promise<Answer>>();
  private readonly state = new StripeKeptState();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: Target,
    private readonly keepState: boolean,
  ) {}

  static start(options: StripeTestServerOptions): Promise<StripeTestServer> {
    const target = typeof options.stripeMock === 'string' ? hostAndPort(options.stripeMock) : options.stripeMock;
    return new Promise((resolve, reject) => {
      let instance: StripeTestServer | undefined;
      const server = createServer((incoming, outgoing) => void instance?.handle(incoming, outgoing));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        instance = new StripeTestServer(server, typeof address === 'object' && address ? address.port : 0, target, options.keepState ?? false);
        server.on('connection', (socket: Socket) => instance?.track(socket));
        resolve(instance);
      });
    });
  }

  /** `127.0.0.1:<port>`, for a Toxiproxy upstream. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Every PaymentIntent confirmed, once per idempotency key (with `keepState`): the money that moved. */
  get charges(): readonly StripeCharge[] {
    return this.state.charges;
  }

  /** With `keepState`, charges younger than this are not found by search yet (0 by default). */
  get searchLagMs(): number {
    return this.state.searchLagMs;
  }

  set searchLagMs(ms: number) {
    this.state.searchLagMs = ms;
  }

  /** Adds a rule; earlier rules win when several match. */
  inject(rule: FaultRule): this {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  /** Forgets every rule, idempotency record, charge and recorded request, as for a fresh test. */
  reset(): void {
    this.rules = [];
    this.records.clear();
    this.state.clear();
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
    try {
      const raw = await readBody(incoming);
      const request = describeRequest(incoming, raw);
      const key = request.method === 'POST' && request.idempotencyKey ? `${request.account ?? ''}|${request.idempotencyKey}` : undefined;
      const first = key === undefined ? undefined : this.records.get(key);
      if (first) return this.replay(await first, request, raw.toString('utf8'), outgoing);
      const rule = this.rules.find((candidate) => candidate.remaining > 0 && matches(candidate, request));
      if (rule) rule.remaining -= 1;
      this.requests.push({ ...request, answer: rule?.answer.kind ?? 'stripe-mock', replayed: false });
      const answering = this.answer(rule?.answer, incoming, raw, request);
      // Stripe keeps the first answer under the key: a 500 always, any answer it made when state is kept.
      const kept = rule?.answer.kind === 'server-error' || (this.keepState && (rule === undefined || rule.answer.kind === 'reshape'));
      if (key !== undefined && kept) this.keep(key, answering, raw.toString('utf8'));
      const answer = await answering;
      if (answer) send(outgoing, answer);
    } catch (error) {
      if (outgoing.headersSent) return void outgoing.destroy();
      send(outgoing, jsonAnswer(502, { error: { type: 'api_error', message: String(error) } }));
    }
  }

  /** Keeps the answer being made as the key's first; a repeat that arrives meanwhile waits for it. */
  private keep(key: string, answering: Promise<Answer | undefined>, params: string): void {
    const record = answering.then((answer) => ({ ...answer!, params }));
    // The request itself reports a failure to answer; the record only passes it on to repeats.
    record.catch(() => undefined);
    this.records.set(key, record);
  }

  private replay(first: Answer, request: FaultRequest, params: string, outgoing: ServerResponse): void {
    this.requests.push({ ...request, answer: first.serverError ? 'replayed-server-error' : 'replayed', replayed: true });
    if (first.params !== params) return send(outgoing, canned(idempotencyErrorAnswer(request.idempotencyKey ?? '')));
    send(outgoing, first.serverError ? canned(serverErrorAnswer(true)) : { ...first, headers: { ...first.headers, 'idempotent-replayed': 'true' } });
  }

  /** The answer to send; undefined for none at all (the socket stays open until the client gives up). */
  private async answer(answer: FaultAnswer | undefined, incoming: IncomingMessage, raw: Buffer, request: FaultRequest): Promise<Answer | undefined> {
    switch (answer?.kind) {
      case undefined:
        return this.stripeMock(incoming, raw, request);
      case 'hang':
        return undefined;
      case 'server-error':
        return { ...canned(serverErrorAnswer(false)), serverError: true };
      case 'key-in-use':
        return canned(keyInUseAnswer(request.idempotencyKey));
      case 'unexpected-state':
        return canned(unexpectedStateAnswer(request, answer.status, answer.intent ?? (await this.mockIntent(incoming, request))));
      case 'reshape': {
        const upstream = await this.stripeMock(incoming, raw, request);
        return jsonAnswer(upstream.status, answer.reshape(JSON.parse(upstream.body.toString('utf8')) as JsonObject, request));
      }
    }
  }

  /** stripe-mock's answer, and with state kept, as Stripe would give it. */
  private async stripeMock(incoming: IncomingMessage, raw: Buffer, request: FaultRequest): Promise<Answer> {
    const upstream = await forward(this.target, incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers, raw);
    if (!this.keepState || upstream.status >= 300) return upstream;
    const stateful = this.state.answer(request, JSON.parse(upstream.body.toString('utf8')) as JsonObject);
    return stateful ? jsonAnswer(upstream.status, stateful) : upstream;
  }

  /** stripe-mock's rendering of the intent a path names, to embed in an error as Stripe does. */
  private async mockIntent(incoming: IncomingMessage, request: FaultRequest): Promise<JsonObject | undefined> {
    const id = intentIdOf(request.path);
    if (!id) return undefined;
    const { 'content-length': _length, 'content-type': _type, 'idempotency-key': _key, ...headers } = incoming.headers;
    const upstream = await forward(this.target, 'GET', `/v1/payment_intents/${id}`, headers, Buffer.alloc(0));
    return JSON.parse(upstream.body.toString('utf8')) as JsonObject;
  }
}

function matches(rule: FaultRule, request: FaultRequest): boolean {
  if (rule.method !== undefined && rule.method !== request.method) return false;
  return typeof rule.path === 'string' ? rule.path === request.path : rule.path.test(request.path);
}

/**
 * The server with Stripe's state kept, in front of stripe-mock at `stripeMockUrl`: what the
 * Toxiproxy tests count charges with. The name, and the two types below, are the stand-in's from
 * before the two Stripe fakes became one; specs written against it keep working.
 */
export function startStripeStandIn(stripeMockUrl: string): Promise<StripeTestServer> {
  return StripeTestServer.start({ stripeMock: stripeMockUrl, keepState: true });
}

export type StripeStandIn = StripeTestServer;
export type StripeRequestSeen = SeenRequest;
