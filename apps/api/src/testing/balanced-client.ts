/**
 * A GraphQL client as a dashboard behind a load balancer uses the API: each request goes to one
 * instance; when its answer is lost (the connection dropped, the instance died, a 5xx without a
 * GraphQL answer) or says "try again" (INTERNAL_SERVER_ERROR, PROCESSOR_UNAVAILABLE,
 * REQUEST_IN_PROGRESS, RATE_LIMITED, and RESULT_PENDING for a request with an idempotency key), it
 * sends the same request, with the same key, to the next instance still in service, until it gets
 * a final answer. An instance leaves service
 * when the test marks it `down`, as the balancer's health check would.
 *
 * Every attempt is kept, so a test can say where each request went and what each try got.
 */
import type { GraphQLResponse } from './graphql-client.js';

export interface Endpoint {
  readonly name: string;
  readonly url: string;
  /** Out of service: no request is sent to it any more. */
  down: boolean;
}

export interface Attempt {
  readonly endpoint: string;
  /** `lost`: no GraphQL answer came back; otherwise the error code, or `ok`. */
  readonly outcome: string;
}

export interface Answer extends GraphQLResponse {
  /** The instance that gave the final answer. */
  readonly endpoint: string;
  readonly attempts: readonly Attempt[];
}

/** Codes that say nothing final happened and the same request may be sent again. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(['INTERNAL_SERVER_ERROR', 'PROCESSOR_UNAVAILABLE', 'REQUEST_IN_PROGRESS', 'RATE_LIMITED']);

/**
 * Recorded, not yet readable: the same request answers with the result later, but only with its
 * idempotency key; without one a repeat would do it again, so the answer (naming what was
 * recorded) is final to the caller.
 */
function retryable(code: string, variables: Record<string, unknown>): boolean {
  if (RETRYABLE_CODES.has(code)) return true;
  const input = variables.i as { idempotencyKey?: unknown } | undefined;
  return code === 'RESULT_PENDING' && typeof input?.idempotencyKey === 'string';
}

/** Longer than the idempotency guard makes a repeat wait (20 s) for the first request's outcome. */
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_PAUSE_MS = 500;

type Outcome = { readonly answer: GraphQLResponse } | { readonly lost: string };

/** One try on one instance, with no retry. */
export async function postOnce(
  endpoint: Endpoint,
  key: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Outcome> {
  try {
    const response = await fetch(`${endpoint.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const body = (text.startsWith('{') ? JSON.parse(text) : undefined) as Omit<GraphQLResponse, 'status'> | undefined;
    if (!body || (response.status >= 500 && !body.errors)) return { lost: `HTTP ${response.status}` };
    return { answer: { status: response.status, ...body } };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { lost: cause ?? (error instanceof Error ? error.name : String(error)) };
  }
}

function codeOf(answer: GraphQLResponse): string {
  return answer.errors?.[0]?.extensions?.code ?? (answer.errors ? 'UNKNOWN' : 'ok');
}

export class BalancedClient {
  private closed = false;

  constructor(
    private readonly key: string,
    readonly endpoints: readonly Endpoint[],
  ) {}

  endpoint(name: string): Endpoint {
    const found = this.endpoints.find((endpoint) => endpoint.name === name);
    if (!found) throw new Error(`No endpoint named ${name}`);
    return found;
  }

  /** Stops every retry: a request in progress ends with an error at its next attempt (a test's clean-up). */
  close(): void {
    this.closed = true;
  }

  /**
   * Sends to `first` (even when it is down: a request already on its way), then, while the answer
   * is lost or retryable, to the next instance in service, until `deadlineMs` has passed.
   */
  async send(first: Endpoint, query: string, variables: Record<string, unknown>, deadlineMs = 75_000): Promise<Answer> {
    const attempts: Attempt[] = [];
    const deadline = Date.now() + deadlineMs;
    let target = first;
    for (;;) {
      if (this.closed) throw new Error(`The client was closed; attempts: ${JSON.stringify(attempts)}`);
      const outcome = await postOnce(target, this.key, query, variables);
      const code = 'lost' in outcome ? 'lost' : codeOf(outcome.answer);
      attempts.push({ endpoint: target.name, outcome: 'lost' in outcome ? `lost: ${outcome.lost}` : code });
      if ('answer' in outcome && !retryable(code, variables)) return { ...outcome.answer, endpoint: target.name, attempts };
      if (Date.now() > deadline) throw new Error(`No final answer within ${deadlineMs} ms; attempts: ${JSON.stringify(attempts)}`);
      // The guard already waited for the first request's outcome before answering REQUEST_IN_PROGRESS.
      if (code !== 'REQUEST_IN_PROGRESS') await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      target = this.next(target);
    }
  }

  /** The instance after `current` that is in service (round robin), or `current` if none is. */
  private next(current: Endpoint): Endpoint {
    const index = this.endpoints.indexOf(current);
    for (let step = 1; step <= this.endpoints.length; step++) {
      const candidate = this.endpoints[(index + step) % this.endpoints.length]!;
      if (!candidate.down) return candidate;
    }
    return current;
  }
}
