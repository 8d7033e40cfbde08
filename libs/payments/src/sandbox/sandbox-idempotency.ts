/**
 * How the sandbox keeps Stripe's idempotency promise: a key remembers the request it first came
 * with (as a fingerprint) and the answer it got. Ids are derived from the key, so a replay after
 * a crash produces the same ids even if the first answer was never recorded by the caller.
 */
import { createHash } from 'node:crypto';
import { IdempotencyConflictError } from '../payment-gateway.errors.js';
import { assertIdempotencyKey } from '../payment-gateway.validation.js';
import type { SandboxStore } from './sandbox-store.js';

export type SandboxIdPrefix = 'cus' | 'pm' | 'pi' | 're' | 'acct';

/** A Stripe-looking id (`pi_sandbox_...`) that is a pure function of the idempotency key. */
export function sandboxId(prefix: SandboxIdPrefix, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${prefix}\u0000${idempotencyKey}`).digest('hex');
  return `${prefix}_sandbox_${digest.slice(0, 24)}`;
}

/** JSON with sorted keys and without undefined members, so equal requests have equal fingerprints. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fingerprintOf(operation: string, params: unknown): string {
  return createHash('sha256')
    .update(`${operation}\u0000${canonicalJson(params)}`)
    .digest('hex');
}

/**
 * Runs `execute` at most once per key. The lookup, the work and the recorded answer share one
 * transaction; an exception (a refused request) rolls everything back and records nothing, so
 * the request may be corrected and sent again, as with Stripe's validation errors.
 */
export function runOnce<T>(
  store: SandboxStore,
  request: { operation: string; idempotencyKey: string; params: unknown; recordedAt: string },
  execute: () => T,
): T {
  assertIdempotencyKey(request.idempotencyKey);
  const fingerprint = fingerprintOf(request.operation, request.params);
  return store.atomically(() => {
    const previous = store.findIdempotency(request.idempotencyKey);
    if (previous) {
      if (previous.fingerprint !== fingerprint) throw new IdempotencyConflictError(request.idempotencyKey);
      return JSON.parse(previous.result) as T;
    }
    const result = execute();
    store.recordIdempotency(
      request.idempotencyKey,
      { operation: request.operation, fingerprint, result: JSON.stringify(result) },
      request.recordedAt,
    );
    return result;
  });
}
