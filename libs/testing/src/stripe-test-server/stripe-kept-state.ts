/**
 * What Stripe keeps and stripe-mock does not, for tests that must count charges: stripe-mock
 * answers with fixed fixtures, so a confirmed PaymentIntent never succeeds and its list and search
 * return the same fixture whatever is asked. With this state the Stripe test server turns
 * stripe-mock's answers into Stripe's:
 *
 * - a confirmed PaymentIntent with a test card succeeds (`requires_capture` with manual capture),
 *   for the amount asked, carrying the request's metadata: each one is a charge, kept in `charges`;
 * - retrieve by id, the list (newest first, by `created`, `customer`, `starting_after`, `limit`)
 *   and search by `metadata['field']` find those charges; `searchLagMs` models the lag of Stripe's
 *   search index (a charge younger than that is not found by search yet).
 *
 * Idempotency records are the server's (stripe-test-server.ts), shared with the faults it injects.
 * Nothing else is interpreted: any other answer of stripe-mock passes through unchanged.
 */
import type { FaultRequest, JsonObject } from './stripe-fault-answers.js';

export interface StripeCharge {
  readonly id: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  readonly createdAtMs: number;
}

export class StripeKeptState {
  readonly charges: StripeCharge[] = [];
  /** Charges younger than this are not found by search yet (0 by default). */
  searchLagMs = 0;
  private readonly intents = new Map<string, JsonObject>();

  /** Forgets every charge, as for a fresh test; the search lag is a setting and stays. */
  clear(): void {
    this.charges.length = 0;
    this.intents.clear();
  }

  /** stripe-mock's successful answer as Stripe with this state would give it; undefined: stripe-mock's own. */
  answer(request: FaultRequest, forwarded: JsonObject): JsonObject | undefined {
    const { method, path } = request;
    if (method === 'POST' && path === '/v1/payment_intents') return this.charge(forwarded, request);
    if (method === 'GET' && path === '/v1/payment_intents') return { ...forwarded, ...listed(this.charges, request.query, this.intents) };
    if (method === 'GET' && path === '/v1/payment_intents/search') {
      const found = searchable(this.charges, this.searchLagMs, request.query.get('query') ?? '');
      return { ...forwarded, data: found.map((charge) => this.intents.get(charge.id)), has_more: false };
    }
    return method === 'GET' ? this.intents.get(path.replace(/^\/v1\/payment_intents\//, '')) : undefined;
  }

  /** Records the charge a confirmed PaymentIntent makes and returns the intent Stripe would. */
  private charge(fixture: JsonObject, request: FaultRequest): JsonObject {
    const intent = charged(fixture, request.form);
    this.intents.set(String(intent.id), intent);
    const metadata = intent.metadata as Record<string, string>;
    const { idempotencyKey } = request;
    this.charges.push({
      id: String(intent.id),
      amountMinor: Number(intent.amount),
      currency: String(intent.currency),
      metadata,
      createdAtMs: Date.now(),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
    return intent;
  }
}

/** stripe-mock's fixture turned into the charge Stripe makes with a test card. */
function charged(fixture: JsonObject, params: URLSearchParams): JsonObject {
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
function listed(charges: readonly StripeCharge[], params: URLSearchParams, intents: Map<string, JsonObject>) {
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
