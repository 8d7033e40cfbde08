// Goal: an ADMIN key lists the business's API keys (never a secret or its hash) and revokes one,
// which is refused from the next request on, its own key included; other roles may do neither;
// auditors see in auditTrail that a key was made, by whom and with what role, but not its hash.
// Method: the embedded API on a temp data dir, real HTTP requests with keys of every role.
import { CommandBus } from '@nestjs/cqrs';
import { CreateApiKeyCommand } from '@ledger/application';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { codesOf, createTenantWithKey, graphql, keyFor } from '../testing/graphql-client.js';
import type { Json } from '../testing/graphql-client.js';

const KEY_FIELDS = 'id role label createdAt status revokedAt';
const LIST = `query($first: Int, $after: String) { apiKeys(first: $first, after: $after) { edges { cursor node { ${KEY_FIELDS} } } pageInfo { hasNextPage endCursor } } }`;
const REVOKE = `mutation($id: ID!) { revokeApiKey(keyId: $id) { ${KEY_FIELDS} } }`;
const idOf = (key: string): string => key.split('_')[1]!;

interface ApiKeyNode {
  id: string;
  role: string;
  label: string | null;
  createdAt: string;
  status: string;
  revokedAt: string | null;
}
interface ApiKeyPage {
  edges: { cursor: string; node: ApiKeyNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
const idsOf = (page: ApiKeyPage): string[] => page.edges.map((edge) => edge.node.id);

describe('GraphQL API: API keys', () => {
  let api: TestApi;
  let admin: string;
  let foreign: string;

  beforeAll(async () => {
    api = await startTestApi();
    admin = await createTenantWithKey(api, 'sparkle');
    foreign = await createTenantWithKey(api, 'elsewhere');
  });
  afterAll(async () => {
    await api.close();
  });

  async function labelledKey(role: string, label: string): Promise<string> {
    return (await api.app.get(CommandBus).execute(new CreateApiKeyCommand({ tenantId: 'sparkle', role, label }))).key;
  }

  async function list(key: string, variables: Json = {}): Promise<ApiKeyPage> {
    const res = await graphql<{ apiKeys: ApiKeyPage }>(api, key, LIST, variables);
    expect(res.errors).toBeUndefined();
    return res.data!.apiKeys;
  }

  async function statusOf(keyId: string): Promise<string | undefined> {
    return (await list(admin, { first: 100 })).edges.find((edge) => edge.node.id === keyId)?.node.status;
  }

  it("lists the business's keys newest first, in pages, without secrets or other businesses' keys", async () => {
    const tablet = await labelledKey('STAFF', 'front desk tablet');
    const all = await list(admin, { first: 100 });
    expect(all.edges[0]!.node).toEqual({
      id: idOf(tablet),
      role: 'STAFF',
      label: 'front desk tablet',
      createdAt: expect.any(String),
      status: 'ACTIVE',
      revokedAt: null,
    });
    expect(idsOf(all)).toContain(idOf(admin));
    expect(idsOf(all)).not.toContain(idOf(foreign));
    expect(JSON.stringify(all)).not.toMatch(/lk_|hash|secret/i);

    const first = await list(admin, { first: 1, after: null });
    expect(idsOf(first)).toEqual([idOf(tablet)]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await list(admin, { first: 1, after: first.pageInfo.endCursor });
    expect(idsOf(next)).toEqual([idsOf(all)[1]]);
  });

  it('revokes a key, which is refused at once; revoking it again changes nothing', async () => {
    const staff = await keyFor(api, 'sparkle', 'STAFF');
    expect((await graphql(api, staff, '{ customers { edges { node { id } } } }')).errors).toBeUndefined();
    const revoked = await graphql(api, admin, REVOKE, { id: idOf(staff) });
    expect(revoked.data!.revokeApiKey).toEqual({
      id: idOf(staff),
      role: 'STAFF',
      label: null,
      createdAt: expect.any(String),
      status: 'REVOKED',
      revokedAt: expect.any(String),
    });
    const refused = await graphql(api, staff, '{ customers { edges { node { id } } } }');
    expect(refused.status).toBe(401);
    expect(codesOf(refused)).toEqual(['UNAUTHENTICATED']);
    const again = await graphql(api, admin, REVOKE, { id: idOf(staff) });
    expect(again.data!.revokeApiKey).toEqual(revoked.data!.revokeApiKey);
    expect(await statusOf(idOf(staff))).toBe('REVOKED');
  });

  it('lets an ADMIN key revoke itself, after which it is refused', async () => {
    const doomed = await keyFor(api, 'sparkle', 'ADMIN');
    expect((await graphql(api, doomed, REVOKE, { id: idOf(doomed) })).data!.revokeApiKey.status).toBe('REVOKED');
    expect(codesOf(await graphql(api, doomed, LIST))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers NOT_FOUND for an unknown id, a malformed id and a key of another business', async () => {
    for (const id of ['0123456789abcdef', 'not-a-key-id', idOf(foreign)]) {
      expect([id, codesOf(await graphql(api, admin, REVOKE, { id }))]).toEqual([id, ['NOT_FOUND']]);
    }
    expect((await graphql(api, foreign, '{ paymentSettings { currency } }')).errors).toBeUndefined();
  });

  it.each(['STAFF', 'AUDITOR', 'REPORTER'] as const)('refuses both operations to a %s key', async (role) => {
    const key = await keyFor(api, 'sparkle', role);
    expect(codesOf(await graphql(api, key, LIST))).toEqual(['FORBIDDEN']);
    expect(codesOf(await graphql(api, key, REVOKE, { id: idOf(key) }))).toEqual(['FORBIDDEN']);
    expect(codesOf(await graphql(api, key, REVOKE, { id: idOf(admin) }))).toEqual(['FORBIDDEN']);
    expect(await statusOf(idOf(key))).toBe('ACTIVE');
  });

  it('shows auditors that a key was made, by whom and with what role, but not its hash', async () => {
    const auditor = await keyFor(api, 'sparkle', 'AUDITOR');
    const made = await labelledKey('REPORTER', 'monthly export');
    const query = 'query($s: String) { auditTrail(stream: $s) { events { type data metadata redacted } } }';
    const trail = await graphql(api, auditor, query, { s: `apikey-${idOf(made)}` });
    expect(trail.errors).toBeUndefined();
    const [created] = trail.data!.auditTrail.events as Json[];
    expect(created!.type).toBe('ApiKeyCreated');
    expect(JSON.parse(created!.data as string)).toEqual({ keyId: idOf(made), tenantId: 'sparkle', role: 'REPORTER', label: 'monthly export' });
    expect(JSON.parse(created!.metadata as string)).toMatchObject({ actor: 'SYSTEM:cli', tenant: 'sparkle' });
    expect(created!.redacted).toEqual(['data.secretHash']);
    const whole = await graphql(api, auditor, '{ auditTrail(first: 1000) { events { type data } } }');
    expect((whole.data!.auditTrail.events as Json[]).filter((event) => event.type === 'ApiKeyCreated').length).toBeGreaterThan(1);
    expect(JSON.stringify(whole)).not.toMatch(/secretHash|tokenHash/);
  });
});
