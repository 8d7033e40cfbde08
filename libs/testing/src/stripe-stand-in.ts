/**
 * stripe-mock plus the state Stripe keeps and stripe-mock does not, for tests that must count
 * charges. stripe-mock checks every request against Stripe's OpenAPI spec but answers with fixed
 * fixtures: it has no idempotency, a confirmed PaymentIntent never succeeds, and its search
 * returns the same fixture whatever is asked. Fault tests need to know how many charges the
 * processor really made, so this HTTP server sits between the client (or Toxiproxy) and
 * stripe-mock, forwards every request to stripe-mock, and adds what Stripe documents:
 *
 * - an idempotency key: a repeated POST with the same key (per account) is answered with the
 *   first answer (`Idempotent-Replayed: true`) and does nothing again; other parameters under a
 *   used key are refused as Stripe does (400 `idempotency_error`);
 * - a confirmed PaymentIntent with a test card succeeds (`requires_capture` with manual
 *   capture), for the amount asked, carrying the request's metadata: each one is a charge;
 * - retrieve by id, the list (newest first, by `created`, `customer`, `starting_after`, `limit`)
 *   and search by `metadata['field']` find those charges; `searchLagMs` models the lag of
 *   Stripe's search index (a charge younger than that is not found by search yet).
 *
 * Nothing else is interpreted; everything stripe-mock answers passes through unchanged.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface StripeRequestSeen {
  readonly method: string;
  /** Without the query string. */
  readonly path: string;
  readonly idempotencyKey?: string;
  readonly account?: string;
  /** Answered from the idempotency record, not performed again. */
  readonly replayed: boolean;
}

export interface StripeCharge {
  readonly id: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  readonly createdAtMs: number;
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly params: string;
}

export interface StripeStandIn {
  /** `127.0.0.1:<port>`, for a Toxiproxy upstream. */
  readonly address: string;
  readonly port: number;
  readonly requests: readonly StripeRequestSeen[];
  /** Every PaymentIntent confirmed, once per idempotency key: the money that moved. */
  readonly charges: readonly StripeCharge[];
  /** Charges younger than this are not found by search yet (0 by default). */
  searchLagMs: number;
  close(): Promise<void>;
}

/** Starts the stand-in on a free loopback port in front of stripe-mock at `stripeMockUrl`. */
export async function startStripeStandIn(stripeMockUrl: string): Promise<StripeStandIn> {
  const standIn = new StandIn(stripeMockUrl.replace(/\/+$/, ''));
  await standIn.listen();
  return standIn;
}

class StandIn implements StripeStandIn {
  readonly requests: StripeRequestSeen[] = [];
  readonly charges: StripeCharge[] = [];
  searchLagMs = 0;
  port = 0;
  private readonly intents = new Map<string, Record<string, unknown>>();
  /** First answers by `account|key`, kept as promises so a repeat that arrives early waits for it. */
  private readonly answers = new Map<string, Promise<Answer>>();
  private readonly server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => send(response, 502, JSON.stringify({ error: { type: 'api_error', message: String(error) } }), {}));
    });
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const idempotencyKey = header(request, 'idempotency-key');
    const account = header(request, 'stripe-account');
    const seen = { method: request.method ?? 'GET', path: url.pathname, ...(idempotencyKey ? { idempotencyKey } : {}), ...(account ? { account } : {}) };
    const recordKey = request.method === 'POST' && idempotencyKey ? `${account ?? ''}|${idempotencyKey}` : undefined;
    const first = recordKey ? this.answers.get(recordKey) : undefined;
    if (first) {
      this.requests.push({ ...seen, replayed: true });
      const answer = await first;
      if (answer.params !== body) return send(response, 400, idempotencyError(idempotencyKey!), {});
      return send(response, answer.status, answer.body, { 'idempotent-replayed': 'true' });
    }
    this.requests.push({ ...seen, replayed: false });
    const performed = this.perform(request, url, body, idempotencyKey);
    if (recordKey) this.answers.set(recordKey, performed);
    const answer = await performed;
    send(response, answer.status, answer.body, {});
  }

  private async perform(request: IncomingMessage, url: URL, body: string, idempotencyKey: string | undefined): Promise<Answer> {
    const forwarded = await forward(this.upstream, request, body);
    const answer = (status: number, json: unknown): Answer => ({ status, body: JSON.stringify(json), params: body });
    if (forwarded.status >= 300) return { ...forwarded, params: body };
    if (request.method === 'POST' && url.pathname === '/v1/payment_intents') {
      return answer(forwarded.status, this.charge(JSON.parse(forwarded.body) as Record<string, unknown>, body, idempotencyKey));
    }
    if (request.method === 'GET' && url.pathname === '/v1/payment_intents') {
      const result = JSON.parse(forwarded.body) as Record<string, unknown>;
      return answer(forwarded.status, { ...result, ...listed(this.charges, url.searchParams, this.intents) });
    }
    if (request.method === 'GET' && url.pathname === '/v1/payment_intents/search') {
      const result = JSON.parse(forwarded.body) as Record<string, unknown>;
      const data = searchable(this.charges, this.searchLagMs, url.searchParams.get('query') ?? '').map((charge) => this.intents.get(charge.id));
      return answer(forwarded.status, { ...result, data, has_more: false });
    }
    const retrieved = request.method === 'GET' ? this.intents.get(url.pathname.replace(/^\/v1\/payment_intents\//, '')) : undefined;
    return retrieved ? answer(200, retrieved) : { ...forwarded, params: body };
  }

  /** Records the charge a confirmed PaymentIntent makes and returns the intent Stripe would. */
  private charge(fixture: Record<string, unknown>, body: string, idempotencyKey: string | undefined): Record<string, unknown> {
    const intent = charged(fixture, new URLSearchParams(body));
    this.intents.set(String(intent.id), intent);
    const metadata = intent.metadata as Record<string, string>;
    this.charges.push({ id: String(intent.id), amountMinor: Number(intent.amount), currency: String(intent.currency), metadata, createdAtMs: Date.now(), ...(idempotencyKey ? { idempotencyKey } : {}) });
    return intent;
  }
}

/** stripe-mock's fixture turned into the charge Stripe makes with a test card. */
function charged(fixture: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
  const amount = Number(params.get('amount'));
  const manual = params.get('capture_method') === 'manual';
  const metadata: Record<string, string> = {};
  for (const [name, value] of params) {
    const field = /^metadata\[(.+)\]$/.exec(name)?.[1];
    if (field) metadata[field] = value;
  }
  return {
    ...fixture,
    amount,
    currency: params.get('currency') ?? fixture.currency,
    customer: params.get('customer') ?? null,
    status: manual ? 'requires_capture' : 'succeeded',
    amount_received: manual ? 0 : amount,
    amount_capturable: manual ? amount : 0,
    capture_method: manual ? 'manual' : 'automatic',
    canceled_at: null,
    last_payment_error: null,
    next_action: null,
    metadata,
    created: Math.floor(Date.now() / 1000),
  };
}

/** A page of the list of intents as Stripe gives it: newest first, filtered, after a cursor. */
function listed(charges: readonly StripeCharge[], params: URLSearchParams, intents: Map<string, Record<string, unknown>>) {
  const bound = (name: string) => (params.has(`created[${name}]`) ? Number(params.get(`created[${name}]`)) : undefined);
  const [gte, gt, lte, lt] = [bound('gte'), bound('gt'), bound('lte'), bound('lt')];
  const customer = params.get('customer');
  const all = [...charges]
    .reverse()
    .map((charge) => intents.get(charge.id)!)
    .filter((intent) => {
      const created = Number(intent.created);
      const inWindow = (gte === undefined || created >= gte) && (gt === undefined || created > gt) && (lte === undefined || created <= lte) && (lt === undefined || created < lt);
      return inWindow && (customer === null || intent.customer === customer);
    });
  const after = params.get('starting_after');
  const start = after === null ? 0 : all.findIndex((intent) => intent.id === after) + 1;
  const limit = Number(params.get('limit') ?? 10);
  return { data: all.slice(start, start + limit), has_more: all.length > start + limit };
}

/** The charges a `metadata['field']:'value'` search finds; anything else finds none. */
function searchable(charges: readonly StripeCharge[], lagMs: number, query: string): StripeCharge[] {
  const match = /^metadata\['([^']+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(query);
  if (!match) return [];
  const [, field, quoted] = match;
  const value = quoted!.replace(/\\(.)/g, '$1');
  const indexedBefore = Date.now() - lagMs;
  return charges.filter((charge) => charge.metadata[field!] === value && charge.createdAtMs <= indexedBefore);
}

async function forward(upstream: string, request: IncomingMessage, body: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length', 'keep-alive'].includes(name)) headers[name] = value;
  }
  const method = request.method ?? 'GET';
  const answer = await fetch(`${upstream}${request.url ?? '/'}`, { method, headers, ...(method === 'GET' || method === 'DELETE' ? {} : { body }) });
  return { status: answer.status, body: await answer.text() };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function idempotencyError(key: string): string {
  const message = `Keys for idempotent requests can only be used with the same parameters they were first used with (key ${key}).`;
  return JSON.stringify({ error: { type: 'idempotency_error', message } });
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(body);
}
