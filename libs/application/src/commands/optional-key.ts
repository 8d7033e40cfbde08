/**
 * Commands whose idempotency key is optional (a booking, a card save) run under the key when the
 * client sends one, so a retry resumes the first attempt; without one every call is new.
 */
import { randomUUID } from 'node:crypto';
import type { IdempotencyGuard, IdempotentRequest } from '../idempotency.js';

export function runWithOptionalKey<R>(
  guard: IdempotencyGuard,
  request: Omit<IdempotentRequest, 'key'> & { readonly key: string | undefined },
  work: (commandId: string) => Promise<R>,
  check?: (commandId: string) => Promise<unknown>,
): Promise<R> {
  const { key } = request;
  // Without a key the guard records nothing, so the work's own checks are enough.
  return key === undefined ? work(randomUUID()) : guard.run({ ...request, key }, work, check);
}
