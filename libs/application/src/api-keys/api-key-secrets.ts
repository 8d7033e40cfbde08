/**
 * The shape of an API key and how its secret is checked. A key reads `lk_<keyId>_<secret>`: the
 * key id finds its stream without an index, and the secret (32 random bytes) is compared by hash
 * in constant time. The full key exists only in the answer to the command that created it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: its id (public, names the stream) and the whole secret string. */
export function generateApiKey(): { keyId: string; key: string } {
  const keyId = randomBytes(8).toString('hex');
  return { keyId, key: `lk_${keyId}_${randomBytes(32).toString('base64url')}` };
}

/** The key id of a well-formed key, or undefined: a malformed key is refused without a read. */
export function apiKeyIdOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Whether a string can be a key id at all, so an id from outside never names an odd stream. */
export function isApiKeyId(keyId: string): boolean {
  return KEY_ID_PATTERN.test(keyId);
}

export function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
