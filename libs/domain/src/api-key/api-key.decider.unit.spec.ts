// Goal: an API key is created once for its own tenant with a known role and only a hash of its
// secret, and once revoked stays revoked.
// Method: given/when/then on the API key decider.
import { commandsOf, decider } from '@ledger/testing';
import { type ApiKeyCommand, type ApiKeyEvent, apiKeyDecider, apiKeyStreamName } from '../index.js';

const command = commandsOf<ApiKeyCommand>();
const spec = decider(apiKeyDecider);
const hash = 'a'.repeat(64);
const created: ApiKeyEvent = {
  type: 'ApiKeyCreated',
  data: {
    keyId: 'k1',
    tenantId: 'tenant-1',
    role: 'ADMIN',
    secretHash: hash,
    label: null,
  },
};
const create = (change: Record<string, unknown> = {}) =>
  command('CreateApiKey', {
    keyId: 'k1',
    tenantId: 'tenant-1',
    role: 'ADMIN',
    secretHash: hash,
    ...change,
  });

describe('API keys', () => {
  it('records the key with its role and hash only', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('is a no-op when the same key is created again', () => {
    spec.given([created]).when(create()).then([]);
  });

  it('refuses another secret under an id already used', () => {
    spec
      .given([created])
      .when(create({ secretHash: 'b'.repeat(64) }))
      .thenRejects('ALREADY_EXISTS');
  });

  it.each([
    ['an unknown role', { role: 'OWNER' }],
    ['a secret instead of a hash', { secretHash: 'lk_plaintext' }],
  ])('rejects %s', (_, change) => {
    spec.given([]).when(create(change)).thenRejects('VALIDATION_FAILED');
  });

  it('revokes once, and only within its tenant', () => {
    spec
      .given([created])
      .when(command('RevokeApiKey', { keyId: 'k1' }))
      .then([{ type: 'ApiKeyRevoked', data: { keyId: 'k1' } }]);
    spec
      .given([created, { type: 'ApiKeyRevoked', data: { keyId: 'k1' } }])
      .when(command('RevokeApiKey', { keyId: 'k1' }))
      .then([]);
    spec
      .given([created])
      .when(command('RevokeApiKey', { keyId: 'k1' }, { tenant: 'tenant-2' }))
      .thenRejects('NOT_FOUND');
  });

  it('names its stream in a category without a dash', () => {
    expect(apiKeyStreamName('k1')).toBe('apikey-k1');
  });
});
