// Goal: a payment link token finds its link, cannot be guessed or forged from what is recorded,
// and is checked in constant time. Method: issue, parse and check tokens directly.
import { hashLinkToken, issueLinkToken, linkIdOfToken, linkTokenMatches } from './payment-link-token.js';

describe('payment link tokens', () => {
  it('carry the link id and 32 random bytes, and are recorded only as a SHA-256 hash', () => {
    const { token, tokenHash } = issueLinkToken('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    const [, secret] = token.split('.');
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(linkIdOfToken(token)).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash).toBe(hashLinkToken(token));
    expect(tokenHash).not.toContain(secret);
  });

  it('are never issued twice for the same link', () => {
    expect(issueLinkToken('l-1').token).not.toBe(issueLinkToken('l-1').token);
  });

  it('match only the hash they were issued with', () => {
    const first = issueLinkToken('l-1');
    const second = issueLinkToken('l-1');
    expect(linkTokenMatches(first.token, first.tokenHash)).toBe(true);
    expect(linkTokenMatches(second.token, first.tokenHash)).toBe(false);
    expect(linkTokenMatches(first.token, 'not-a-hash')).toBe(false);
  });

  it.each([
    ['nothing', undefined],
    ['an empty string', ''],
    ['no secret', 'abc'],
    ['a short secret', 'bC0x.short'],
    ['a link id longer than any link has', `${'a'.repeat(172)}.${'A'.repeat(43)}`],
    ['no link id', `.${'A'.repeat(43)}`],
    ['a link id that is not canonical base64url', `_w.${'A'.repeat(43)}`],
  ])('name no link for %s', (_label, token) => {
    expect(linkIdOfToken(token)).toBeUndefined();
  });
});
