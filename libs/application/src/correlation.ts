/**
 * The request a command came from, carried implicitly through async calls, so every event a
 * request causes is recorded with the request's id as its correlation id. An auditor can then
 * go from a line in the request log to the events, and back, without every handler passing it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

export function withCorrelation<T>(correlationId: string, work: () => T): T {
  return scope.run(correlationId, work);
}

/** The correlation id of the request being served, if any. */
export function currentCorrelation(): string | undefined {
  return scope.getStore();
}
