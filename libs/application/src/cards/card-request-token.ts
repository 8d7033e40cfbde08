/**
 * The secret in an add-card link. The customer's page has no API key, so the token itself says
 * which business, customer and request it is for (readable, not secret), followed by 32 random
 * bytes (the secret). The ledger keeps only a SHA-256 hash of the whole token: a leaked event log
 * cannot be turned into a working link, and changing the readable part breaks the hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface CardRequestAddress {
  readonly tenant: string;
  readonly customerId: string;
  readonly requestId: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly tokenHash: string;
}

const SECRET_BYTES = 32;

export function issueCardRequestToken(address: CardRequestAddress): IssuedToken {
  const readable = Buffer.from(JSON.stringify([address.tenant, address.customerId, address.requestId])).toString('base64url');
  const token = `${readable}.${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { token, tokenHash: hashCardRequestToken(token) };
}

/** The address a token claims; `undefined` for anything that is not shaped like one of ours. */
export function readCardRequestToken(token: unknown): CardRequestAddress | undefined {
  if (typeof token !== 'string' || token.length > 1024) return undefined;
  const [readable, secret, ...rest] = token.split('.');
  if (!readable || !secret || rest.length > 0) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(readable, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === 'string' && part !== '')) return undefined;
    const [tenant, customerId, requestId] = parts as [string, string, string];
    return { tenant, customerId, requestId };
  } catch {
    return undefined;
  }
}

export function hashCardRequestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares in constant time, so response timing says nothing about how close a guess was. */
export function cardRequestTokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashCardRequestToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
