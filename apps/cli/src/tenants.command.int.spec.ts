// Goal: an operator sets a business up from the CLI: `tenants create`, then `keys create`
// prints only the key, which then works against the API; mistakes get a message and a
// non-zero exit, never a stack trace.
// Method: the command functions on a temp data directory, stdout and stderr captured; the key
// is then used over HTTP against an API on the same files.
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '@ledger/config';
import { createApi } from '../../api/src/bootstrap.js';
import { graphql } from '../../api/src/testing/graphql-client.js';
import { keysCreate, tenantsCreate } from './tenants.command.js';

describe('ledger tenants create / keys create', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void err.push(args.join(' ')));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a tenant and a key that the API accepts', async () => {
    const config = loadConfiguration({ DATA_DIR: dir, NODE_ENV: 'test' });
    expect(await tenantsCreate(config, 'sparkle', { name: 'Sparkle Cleaning', currency: 'cad', timeZone: 'America/Toronto', adminEmail: 'owner@sparkle.example' })).toBe(0);
    expect(await keysCreate(config, { tenant: 'sparkle', role: 'reporter' })).toBe(0);
    expect(out).toHaveLength(1);
    const key = out[0]!;
    expect(key).toMatch(/^lk_[0-9a-f]{16}_[\w-]{43}$/);

    const app = await createApi(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const report = await graphql({ url }, key, '{ receivables { currency } }');
      expect(report.data).toEqual({ receivables: { currency: 'CAD' } });
      expect((await graphql({ url }, key, '{ paymentSettings { currency } }')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } finally {
      await app.close();
    }
  });

  it('refuses an unknown role, an unknown tenant and a duplicate tenant with a message', async () => {
    const config = loadConfiguration({ DATA_DIR: dir, NODE_ENV: 'test' });
    expect(await keysCreate(config, { tenant: 'nobody', role: 'OWNER' })).toBe(2);
    expect(err.at(-1)).toMatch(/Unknown role OWNER/);
    expect(await keysCreate(config, { tenant: 'nobody', role: 'ADMIN' })).toBe(1);
    expect(err.at(-1)).toMatch(/^NOT_FOUND: Tenant nobody does not exist/);
    expect(await tenantsCreate(config, 'dup', { name: 'Dup', currency: 'CAD' })).toBe(0);
    expect(await tenantsCreate(config, 'dup', { name: 'Other name', currency: 'USD' })).toBe(1);
    expect(err.at(-1)).toMatch(/^ALREADY_EXISTS/);
    expect(await tenantsCreate(config, 'bad', { name: 'Bad', currency: 'DOLLARS' })).toBe(1);
    expect(err.at(-1)).toMatch(/^VALIDATION_FAILED/);
    expect(out).toEqual([]);
  });
});
