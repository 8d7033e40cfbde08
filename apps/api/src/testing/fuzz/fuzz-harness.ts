/**
 * Runs generated requests against a live API one at a time and judges each answer: never a 5xx,
 * never INTERNAL_SERVER_ERROR, never slower than a bound, and a request that was refused wrote
 * nothing. "Wrote" is read from the log itself: every event a request causes carries its
 * X-Request-Id as correlation id, so events other work appends meanwhile (process managers
 * reacting to earlier requests) are told apart from the refused request's own.
 */
import { EventStore } from '@ledger/event-store';
import type { Position } from '@ledger/event-store';
import type { TestApi } from '../test-api.js';
import type { FuzzRequest, FuzzRole } from './operations.js';

/** Codes that are answers about money that did move or may have: a decline is recorded as a failed payment. */
const RECORDED_OUTCOMES = new Set(['CARD_DECLINED', 'AUTHENTICATION_REQUIRED', 'PROCESSOR_REJECTED', 'PROCESSOR_UNAVAILABLE']);

export interface Verdict {
  readonly index: number;
  readonly request: FuzzRequest;
  readonly status: number;
  readonly ms: number;
  readonly problem?: string;
  readonly codes: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: unknown } }[] } | undefined;
}

export class FuzzHarness {
  constructor(
    private readonly api: TestApi,
    private readonly keys: Readonly<Record<Exclude<FuzzRole, 'NONE'>, string>>,
    private readonly maxMs: number,
    private readonly runId: string,
  ) {}

  async judge(index: number, request: FuzzRequest): Promise<Verdict> {
    const events = this.api.app.get(EventStore);
    const before = await events.headPosition();
    const requestId = `${this.runId}-${index}`;
    const started = performance.now();
    const answer = await this.send(request, requestId);
    const ms = performance.now() - started;
    const codes = (answer.body?.errors ?? []).map((error) => String(error.extensions?.code));
    const verdict = { index, request, status: answer.status, ms, codes };
    const problem = this.problemWith(answer, codes, ms) ?? (refused(answer, codes) ? await this.wroteSince(events, before, requestId) : undefined);
    return problem ? { ...verdict, problem } : verdict;
  }

  private async send(request: FuzzRequest, requestId: string): Promise<Answer> {
    const key = request.role === 'NONE' ? undefined : this.keys[request.role];
    const response = await fetch(`${this.api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': request.contentType, 'x-request-id': requestId, ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: request.body,
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as Answer['body'] };
    } catch {
      return { status: response.status, body: undefined };
    }
  }

  private problemWith(answer: Answer, codes: readonly string[], ms: number): string | undefined {
    if (answer.status >= 500) return `answered ${answer.status}`;
    if (codes.includes('INTERNAL_SERVER_ERROR')) return 'answered INTERNAL_SERVER_ERROR';
    if (codes.some((code) => !/^[A-Z][A-Z_]+$/.test(code))) return `an error without a code: ${JSON.stringify(answer.body?.errors)}`;
    if (ms > this.maxMs) return `took ${Math.round(ms)} ms, over the bound of ${this.maxMs} ms`;
    return undefined;
  }

  /** Events the request caused, found by its correlation id among those appended since `before`. */
  private async wroteSince(events: EventStore, before: Position | undefined, requestId: string): Promise<string | undefined> {
    const appended = await events.readAll({ raw: true, maxCount: 1000, ...(before ? { after: before } : {}) });
    const own = appended.filter((event) => event.metadata.correlationId === requestId);
    return own.length > 0 ? `was refused but recorded ${own.map((event) => `${event.type} on ${event.streamName}`).join(', ')}` : undefined;
  }
}

/** Refused: a 4xx, or errors and no data at all (each generated operation has one root field). */
function refused(answer: Answer, codes: readonly string[]): boolean {
  if (codes.some((code) => RECORDED_OUTCOMES.has(code))) return false;
  if (answer.status >= 400) return true;
  const data = answer.body?.data;
  return codes.length > 0 && (data === null || data === undefined || Object.values(data).every((value) => value === null));
}
