// The customer pages when Stripe is the processor (stripe-mock standing in for Stripe's API):
// card entry is Stripe's Payment Element, loaded from js.stripe.com and allowed by the policy,
// with the business's connected account; no card field of ours is rendered. Without the
// publishable key Stripe.js needs, the pages say card entry is unavailable instead of breaking.
// Stripe.js itself cannot load here (no internet), so the browser side is not exercised.
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';

import { requestCard, seedCustomer, sendPaymentLink } from './testing/customer-pages.fixture.js';

const stripeMock = process.env.STRIPE_MOCK_URL;
const describeWithStripe = stripeMock ? describe : describe.skip;

describeWithStripe(
  stripeMock ? 'customer pages with Stripe' : 'customer pages with Stripe (skipped: STRIPE_MOCK_URL not set; run scripts/test-services.sh)',
  () => {
    let api: TestApi | undefined;

    async function start(publishableKey: string | undefined): Promise<TestApi> {
      const url = new URL(stripeMock!);
      api = await startTestApi({
        STRIPE_SECRET_KEY: 'sk_test_pages',
        STRIPE_PUBLISHABLE_KEY: publishableKey,
        STRIPE_API_HOST: url.hostname,
        STRIPE_API_PORT: url.port,
        STRIPE_API_PROTOCOL: 'http',
      });
      return api;
    }
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('renders the Payment Element slot for the connected account, with Stripe allowed by the policy', async () => {
      const started = await start('pk_test_pages');
      const seeded = await seedCustomer(started.app);
      const { token } = await sendPaymentLink(started.app, seeded);
      const response = await fetch(`${started.url}/pay/${token}`);
      expect(response.status).toBe(200);
      const policy = response.headers.get('content-security-policy')!;
      expect(policy).toContain("script-src 'self' https://js.stripe.com");
      expect(policy).toContain('frame-src https://js.stripe.com');
      const page = await response.text();
      expect(page).toContain('<script src="https://js.stripe.com/v3/" defer></script>');
      expect(page).toContain('/assets/pages/stripe-card-entry.js?v=');
      expect(page).toMatch(/data-publishable-key="pk_test_pages"/);
      expect(page).toMatch(/data-stripe-account="acct_[A-Za-z0-9]+"/);
      expect(page).toContain('data-amount="20500"');
      expect(page).not.toContain('autocomplete="cc-number"');
      const card = await fetch(`${started.url}/card/${(await requestCard(started.app, seeded)).token}`);
      expect(await card.text()).toContain('data-mode="setup"');
    });

    it('says card entry is unavailable when the publishable key is missing', async () => {
      const started = await start(undefined);
      const seeded = await seedCustomer(started.app);
      const { token } = await sendPaymentLink(started.app, seeded);
      const response = await fetch(`${started.url}/pay/${token}`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('Card payments are not available right now');
    });
  },
);
