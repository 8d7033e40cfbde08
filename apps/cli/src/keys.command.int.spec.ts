// Goal: an operator lists a tenant's keys from the CLI (as a table or JSON, never a secret or its
// hash) and revokes one; a revoked key stops working in an API already running on the same
// files; revoking twice is harmless and says so; an unknown key, a key of another tenant or an
// unknown tenant gets one line and a non-zero exit, never a stack trace.
// Method: the command functions on a temp data directory, stdout and stderr captured; an API on
// the same files is called over HTTP, as a separate process would be.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfiguration } from '@ledger/config';
import type { Configuration } from '@ledger/config';
import { createApi } from '../../api/src/bootstrap.js';
import { codesOf, graphql } from '../../api/src/testing/graphql-client.js';
import { keysList, keysRevoke } from './keys.command.js';
import { keysCreate, tenantsCreate } from './tenants.command.js';

describe('ledger keys list / keys revoke', () => {
  let dir: string;
  let config: Configuration;
  let out: string[];
  let err: string[];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-keys-'));
    config = loadConfiguration({ DATA_DIR: dir, NODE_ENV: 'test' });
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
    for (const slug of ['sparkle', 'other']) expect(await tenantsCreate(config, slug, { name: slug, currency: 'CAD' })).toBe(0);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Creates a key through the CLI and returns it with its id. */
  async function createKey(tenant: string, role: string, label?: string): Promise<{ key: string; keyId: string }> {
    expect(await keysCreate(config, { tenant, role, ...(label ? { label } : {}) })).toBe(0);
    const key = out.pop()!;
    return { key, keyId: key.split('_')[1]! };
  }

  it("lists the tenant's keys as a table or JSON, without secrets", async () => {
    const admin = await createKey('sparkle', 'ADMIN', 'front desk tablet');
    const reporter = await createKey('sparkle', 'REPORTER');
    const foreign = await createKey('other', 'ADMIN');
    expect(await keysList(config, { tenant: 'sparkle' })).toBe(0);
    expect(out[0]).toMatch(/^KEY ID\s+ROLE\s+STATUS\s+CREATED AT\s+LABEL$/);
    expect(out.slice(1)).toEqual([
      expect.stringMatching(new RegExp(`^${reporter.keyId}  REPORTER  ACTIVE  \\d{4}-\\d\\d-\\d\\dT\\S+Z$`)),
      expect.stringMatching(new RegExp(`^${admin.keyId}  ADMIN     ACTIVE  \\S+Z  front desk tablet$`)),
    ]);
    out = [];
    expect(await keysList(config, { tenant: 'sparkle', json: true })).toBe(0);
    const listed = JSON.parse(out.join('\n')) as Record<string, unknown>[];
    expect(listed.map((key) => key.keyId)).toEqual([reporter.keyId, admin.keyId]);
    expect(Object.keys(listed[1]!).sort()).toEqual(['createdAt', 'keyId', 'label', 'revokedAt', 'role', 'status']);
    const printed = out.join('\n');
    for (const secret of [admin.key, reporter.key, foreign.keyId, 'Hash', 'lk_']) expect(printed).not.toContain(secret);
  });

  it('revokes a key that a running API then refuses, and says so when asked again', async () => {
    const staff = await createKey('sparkle', 'STAFF');
    const app = await createApi(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const query = '{ customers { edges { node { id } } } }';
      expect((await graphql({ url }, staff.key, query)).errors).toBeUndefined();
      expect(await keysRevoke(config, staff.keyId, { tenant: 'sparkle' })).toBe(0);
      expect(err.at(-1)).toMatch(new RegExp(`^Revoked API key ${staff.keyId} of tenant sparkle\\.`));
      // The CLI is another process: the API learns of the revocation from the log within its poll.
      const deadline = performance.now() + 2_000;
      while (codesOf(await graphql({ url }, staff.key, query))[0] !== 'UNAUTHENTICATED') {
        if (performance.now() > deadline) throw new Error('the API still accepts the revoked key');
        await sleep(20);
      }
    } finally {
      await app.close();
    }
    expect(await keysRevoke(config, staff.keyId, { tenant: 'sparkle' })).toBe(0);
    expect(err.at(-1)).toBe(`API key ${staff.keyId} of tenant sparkle was already revoked; nothing changed.`);
    expect(await keysList(config, { tenant: 'sparkle', json: true })).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual([expect.objectContaining({ keyId: staff.keyId, status: 'REVOKED', revokedAt: expect.any(String) })]);
  });

  it('refuses an unknown key, a key of another tenant and an unknown tenant with one line', async () => {
    const foreign = await createKey('other', 'ADMIN');
    for (const keyId of [foreign.keyId, '0123456789abcdef', 'nonsense']) {
      expect(await keysRevoke(config, keyId, { tenant: 'sparkle' })).toBe(1);
      expect(err.at(-1)).toBe(`NOT_FOUND: tenant sparkle has no API key ${keyId}`);
    }
    expect(await keysList(config, { tenant: 'nobody' })).toBe(1);
    expect(err.at(-1)).toBe('NOT_FOUND: Tenant nobody does not exist');
    expect(await keysList(config, { tenant: 'sparkle' })).toBe(0);
    expect(err.at(-1)).toMatch(/^Tenant sparkle has no API keys\./);
    expect(out).toEqual([]);
    expect(err.every((line) => !line.includes('\n'))).toBe(true);
  });
});
