/**
 * What the Stripe test server can answer instead of stripe-mock, worded as Stripe words it: the
 * status, the error object (`type`, `code`, `message`, and for a PaymentIntent the intent itself)
 * and the headers the SDK reads. Where a test needs state that the stateless stripe-mock cannot
 * hold (an intent that already succeeded), the answer is stripe-mock's own, reshaped.
 */

export type JsonObject = Record<string, unknown>;

/** One answer the test server gives in place of (or on top of) stripe-mock's, when a test injects it. */
export type FaultAnswer =
  /** A 500 `api_error`. Under an idempotency key it is stored and replayed for every later request with that key. */
  | { readonly kind: 'server-error' }
  /** A 409 `idempotency_key_in_use`: another request with the same key is still running at Stripe. */
  | { readonly kind: 'key-in-use' }
  /** A 400 `payment_intent_unexpected_state` naming the intent's status, with the intent as stripe-mock shapes it. */
  | { readonly kind: 'unexpected-state'; readonly status: string; readonly intent?: JsonObject }
  /** stripe-mock's answer, passed through `reshape` (a search emptied, an intent in another status). */
  | { readonly kind: 'reshape'; readonly reshape: (body: JsonObject, request: FaultRequest) => JsonObject }
  /** No answer at all: the socket stays open until the client gives up (a timeout). */
  | { readonly kind: 'hang' };

/** The request a rule is matched against and a reshape may read. */
export interface FaultRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** The form-encoded body of a POST. */
  readonly form: URLSearchParams;
  readonly idempotencyKey?: string;
  readonly account?: string;
  readonly stripeVersion?: string;
}

export interface CannedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: JsonObject;
}

const json = { 'content-type': 'application/json', 'request-id': 'req_stripe_test_server' };

/** Stripe's body for an error on its side: no code, type `api_error`. */
export function serverErrorAnswer(replayed: boolean): CannedAnswer {
  const body = { error: { type: 'api_error', message: 'An unknown error occurred while processing your request.' } };
  return { status: 500, headers: { ...json, ...(replayed ? { 'idempotent-replayed': 'true' } : {}) }, body };
}

export function keyInUseAnswer(idempotencyKey: string | undefined): CannedAnswer {
  const message =
    `There is currently another in-progress request using this Idempotent Key (that probably means you ` +
    `submitted twice, and the other request is still going through): ${idempotencyKey ?? ''}. Please try again later.`;
  return { status: 409, headers: json, body: { error: { type: 'invalid_request_error', code: 'idempotency_key_in_use', message } } };
}

/** Stripe's refusal of a used idempotency key sent with other parameters than its first request. */
export function idempotencyErrorAnswer(idempotencyKey: string): CannedAnswer {
  const message = `Keys for idempotent requests can only be used with the same parameters they were first used with (key ${idempotencyKey}).`;
  return { status: 400, headers: json, body: { error: { type: 'idempotency_error', message } } };
}

export function unexpectedStateAnswer(request: FaultRequest, status: string, intent: JsonObject | undefined): CannedAnswer {
  const action = request.path.endsWith('/cancel') ? 'canceled' : request.path.endsWith('/capture') ? 'captured' : 'updated';
  const error = {
    type: 'invalid_request_error',
    code: 'payment_intent_unexpected_state',
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-unexpected-state',
    message: `This PaymentIntent could not be ${action} because it has a status of ${status}.`,
    ...(intent ? { payment_intent: { ...intent, status } } : {}),
  };
  return { status: 400, headers: json, body: { error } };
}

/** The PaymentIntent id a `/v1/payment_intents/<id>[/action]` path names, if any. */
export function intentIdOf(path: string): string | undefined {
  return /^\/v1\/payment_intents\/(pi_[^/]+)/.exec(path)?.[1];
}

/** stripe-mock's list or search answer, its first item used as the template of each item given. */
export function listOf(body: JsonObject, items: readonly JsonObject[], hasMore = false): JsonObject {
  const data = Array.isArray(body.data) ? (body.data as JsonObject[]) : [];
  const template = data[0] ?? {};
  return { ...body, has_more: hasMore, data: items.map((item) => ({ ...template, ...item })) };
}
