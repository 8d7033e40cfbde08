// Goal: an administrator lists the tenant's keys (newest first, in pages, revoked ones marked
// with when) and reads one, never seeing a secret or its hash or any key of another tenant; a
// revocation names whether it changed anything, and an unknown or foreign key is NOT_FOUND.
// Method: the application testbed (real SQLite, real command and query buses) with two tenants.
import { QueryBus } from '@nestjs/cqrs';
import { Testbed } from '../testing/testbed.js';
import { CreateApiKeyCommand, GetApiKeyQuery, ListApiKeysQuery, RevokeApiKeyCommand } from './api-keys.js';

describe('API key queries', () => {
  let bed: Testbed;
  let other: Testbed;

  beforeEach(async () => {
    bed = await Testbed.start();
    await bed.seedTenant();
    // A second tenant in the same log: same files, another tenant id.
    other = await Testbed.start({ dir: bed.dir }, 'other-tenant');
    await other.seedTenant();
  });
  afterEach(async () => {
    await other.stop();
    await bed.dispose();
  });

  const create = (on: Testbed, role: string, label?: string) =>
    on.commandBus.execute(new CreateApiKeyCommand({ tenantId: on.tenantId, role, ...(label ? { label } : {}) }));
  const revoke = (on: Testbed, keyId: string) => on.commandBus.execute(new RevokeApiKeyCommand({ tenantId: on.tenantId, keyId }));
  const queries = () => bed.get(QueryBus);

  it("lists the tenant's keys newest first, with status and times, and nothing secret", async () => {
    const admin = await create(bed, 'ADMIN', 'owner laptop');
    bed.clock.advance(60_000);
    const staff = await create(bed, 'STAFF');
    await create(other, 'ADMIN');
    bed.clock.advance(60_000);
    expect(await revoke(bed, admin.keyId)).toEqual({ keyId: admin.keyId, alreadyRevoked: false });

    const page = await queries().execute(new ListApiKeysQuery(bed.tenantId));
    expect(page.hasNextPage).toBe(false);
    expect(page.edges.map((edge) => edge.node)).toEqual([
      { keyId: staff.keyId, tenantId: bed.tenantId, role: 'STAFF', label: null, createdAt: '2026-11-22T10:01:00.000Z', status: 'ACTIVE', revokedAt: null },
      {
        keyId: admin.keyId,
        tenantId: bed.tenantId,
        role: 'ADMIN',
        label: 'owner laptop',
        createdAt: '2026-11-22T10:00:00.000Z',
        status: 'REVOKED',
        revokedAt: '2026-11-22T10:02:00.000Z',
      },
    ]);
    expect(JSON.stringify(page)).not.toMatch(/secret|hash|lk_/i);
  });

  it('pages with cursors, and refuses a cursor it did not give', async () => {
    const made = [];
    for (const role of ['ADMIN', 'STAFF', 'AUDITOR']) made.push((await create(bed, role)).keyId);
    const first = await queries().execute(new ListApiKeysQuery(bed.tenantId, { first: 2 }));
    expect(first.edges.map((edge) => edge.node.keyId)).toEqual([made[2], made[1]]);
    expect(first.hasNextPage).toBe(true);
    const second = await queries().execute(new ListApiKeysQuery(bed.tenantId, { first: 2, after: first.edges[1]!.cursor }));
    expect(second.edges.map((edge) => edge.node.keyId)).toEqual([made[0]]);
    expect(second.hasNextPage).toBe(false);
    await expect(queries().execute(new ListApiKeysQuery(bed.tenantId, { after: 'not-a-cursor' }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(queries().execute(new ListApiKeysQuery(bed.tenantId, { first: 0 }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('reads one key of the tenant; a key of another tenant, an unknown or a malformed id is NOT_FOUND', async () => {
    const mine = await create(bed, 'REPORTER');
    const theirs = await create(other, 'ADMIN');
    expect(await queries().execute(new GetApiKeyQuery(bed.tenantId, mine.keyId))).toMatchObject({ keyId: mine.keyId, role: 'REPORTER', status: 'ACTIVE' });
    for (const keyId of [theirs.keyId, '0123456789abcdef', '../etc', '']) {
      await expect(queries().execute(new GetApiKeyQuery(bed.tenantId, keyId))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  });

  it('revokes once, says so when asked again, and will not revoke a key of another tenant', async () => {
    const mine = await create(bed, 'STAFF');
    const theirs = await create(other, 'STAFF');
    expect(await revoke(bed, mine.keyId)).toEqual({ keyId: mine.keyId, alreadyRevoked: false });
    expect(await revoke(bed, mine.keyId)).toEqual({ keyId: mine.keyId, alreadyRevoked: true });
    for (const keyId of [theirs.keyId, 'fedcba9876543210', 'not a key id']) {
      await expect(revoke(bed, keyId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await other.get(QueryBus).execute(new GetApiKeyQuery(other.tenantId, theirs.keyId))).toMatchObject({ status: 'ACTIVE' });
  });
});
