// Goal: a newcomer's first `npm start` on the embedded defaults gets a demo business and one
// ADMIN key that works at once; the second start prints no key; production settings get none.
// Method: ensureDemoTenant on the test API (embedded defaults), then a query with the key.
import { loadConfiguration } from '@ledger/config';
import { startTestApi } from './testing/test-api.js';
import { graphql } from './testing/graphql-client.js';
import { demoAllowed, demoBanner, ensureDemoTenant } from './demo-tenant.js';

describe('the demo tenant on first start', () => {
  it('is created once with a working ADMIN key and a connected sandbox account', async () => {
    const api = await startTestApi();
    try {
      const key = await ensureDemoTenant(api.app, api.config);
      expect(key).toMatch(/^lk_/);
      expect(demoBanner(api.config, key!)).toContain(key);
      const settings = await graphql(api, key, '{ paymentSettings { businessName currency stripeAccountState } }');
      expect(settings.data).toEqual({ paymentSettings: { businessName: 'Demo Cleaning Co.', currency: 'CAD', stripeAccountState: 'ACTIVE' } });
      expect(await ensureDemoTenant(api.app, api.config)).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it('is never made with production settings', () => {
    const base = { DATA_DIR: '/tmp/x' };
    expect(demoAllowed(loadConfiguration(base))).toBe(true);
    expect(demoAllowed(loadConfiguration({ ...base, STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_1' }))).toBe(false);
    expect(demoAllowed(loadConfiguration({ ...base, EVENTSTOREDB_URL: 'esdb://localhost:2113?tls=false' }))).toBe(false);
  });
});
