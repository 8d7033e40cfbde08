/**
 * Payment link tokens. A token is `base64url(linkId).base64url(32 random bytes)`: the first part
 * finds the link without an index, the second is what makes the URL unguessable. Only the
 * token's SHA-256 hash is recorded, so neither the log nor a backup can be used to pay or peek;
 * checking a presented token compares hashes in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const LINK_SECRET_BYTES = 32;

export interface IssuedLinkToken {
  readonly token: string;
  readonly tokenHash: string;
}

/** The link id part is at most 171 characters: the 128 bytes a link id may have, encoded. */
const tokenPattern = /^([A-Za-z0-9_-]{1,171})\.([A-Za-z0-9_-]{43})$/;

export function issueLinkToken(linkId: string): IssuedLinkToken {
  const secret = randomBytes(LINK_SECRET_BYTES).toString('base64url');
  const token = `${Buffer.from(linkId, 'utf8').toString('base64url')}.${secret}`;
  return { token, tokenHash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The link a token names, or undefined for anything that is not a token at all. */
export function linkIdOfToken(token: unknown): string | undefined {
  if (typeof token !== 'string') return undefined;
  const match = tokenPattern.exec(token);
  if (!match) return undefined;
  const linkId = Buffer.from(match[1]!, 'base64url').toString('utf8');
  // Decoding is lenient, so a token whose first part does not re-encode exactly is refused.
  return linkId !== '' && Buffer.from(linkId, 'utf8').toString('base64url') === match[1] ? linkId : undefined;
}

/** Constant-time, so the time an answer takes says nothing about how much of a guess was right. */
export function linkTokenMatches(token: string, tokenHash: string): boolean {
  const presented = Buffer.from(hashLinkToken(token), 'hex');
  const recorded = Buffer.from(tokenHash, 'hex');
  return recorded.length === presented.length && timingSafeEqual(presented, recorded);
}
