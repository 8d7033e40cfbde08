/**
 * The part of the contract every adapter passes, including one backed by a stateless mock: each
 * call (the lookup of a payment included) is accepted as a valid request, on the platform's
 * account and on a connected account, and every answer maps to the port's types. What the
 * answers mean is left to the stateful part.
 */
import type { PaymentGateway } from '../payment-gateway.port.js';
import type { ProcessorAccount } from '../payment-gateway.types.js';
import {
  cad,
  connected,
  expectHoldOutcome,
  expectPaymentOutcome,
  expectRefundResult,
  expectSaveCardOutcome,
  freshKey,
  matching,
  paymentIdOf,
  platform,
  type GatewayFixture,
} from './contract-support.js';

/**
 * A stateless mock answers a SetupIntent with a fixture that is not `succeeded`, so no saved
 * card comes back; the saved-card calls then use Stripe's documented test payment method.
 */
const STATELESS_SAVED_CARD = 'pm_card_visa';

async function customerId(gateway: PaymentGateway, account: ProcessorAccount): Promise<string> {
  const key = freshKey('customer');
  const { processorCustomerId } = await gateway.ensureCustomer({
    account,
    customerId: key,
    email: 'ada@example.com',
    name: 'Ada',
    idempotencyKey: key,
  });
  return processorCustomerId;
}

async function savedCardId(
  gateway: PaymentGateway,
  account: ProcessorAccount,
  processorCustomerId: string,
): Promise<string> {
  const saved = await gateway.saveCard({
    account,
    processorCustomerId,
    paymentMethodToken: 'pm_card_visa',
    idempotencyKey: freshKey('save'),
  });
  return saved.status === 'saved' ? saved.card.processorPaymentMethodId : STATELESS_SAVED_CARD;
}

async function paymentId(
  gateway: PaymentGateway,
  account: ProcessorAccount,
  capture: 'automatic' | 'manual',
): Promise<string> {
  const source = { kind: 'token', paymentMethodToken: 'pm_card_visa' } as const;
  return paymentIdOf(
    await gateway.createPayment({ account, amount: cad(1000), capture, source, idempotencyKey: freshKey('pay') }),
  );
}

export function shapeContract(fixture: () => GatewayFixture): void {
  describe.each([
    ['the platform account', platform],
    ['a connected account', connected],
  ])('answers map to the port on %s', (_label, account) => {
    const gateway = (): PaymentGateway => fixture().gateway;

    it('creates a processor customer', async () => {
      expect(await customerId(gateway(), account)).toMatch(/^cus_/);
    });

    it('saves a card for off-session use', async () => {
      const processorCustomerId = await customerId(gateway(), account);
      const outcome = await gateway().saveCard({
        account,
        processorCustomerId,
        paymentMethodToken: 'pm_card_visa',
        idempotencyKey: freshKey('save'),
      });
      expectSaveCardOutcome(outcome);
    });

    it('charges a one-time card without returning anything that could charge it again', async () => {
      const outcome = await gateway().createPayment({
        account,
        amount: cad(2500),
        capture: 'automatic',
        source: { kind: 'token', paymentMethodToken: 'pm_card_visa' },
        idempotencyKey: freshKey('one-time'),
        description: 'Lawn care, 12 May',
        metadata: { bookingId: 'booking-1' },
      });
      expectPaymentOutcome(outcome);
      expect(outcome).not.toHaveProperty('savedCard');
    });

    it('charges a new card and saves it for the customer', async () => {
      const processorCustomerId = await customerId(gateway(), account);
      const outcome = await gateway().createPayment({
        account,
        amount: cad(2500),
        capture: 'automatic',
        source: { kind: 'token', paymentMethodToken: 'pm_card_mastercard', saveFor: processorCustomerId },
        idempotencyKey: freshKey('save-and-pay'),
      });
      expectPaymentOutcome(outcome);
    });

    it('places a hold on a saved card', async () => {
      const processorCustomerId = await customerId(gateway(), account);
      const processorPaymentMethodId = await savedCardId(gateway(), account, processorCustomerId);
      const outcome = await gateway().createPayment({
        account,
        amount: cad(4000),
        capture: 'manual',
        source: { kind: 'saved', processorCustomerId, processorPaymentMethodId },
        idempotencyKey: freshKey('hold'),
      });
      expectPaymentOutcome(outcome);
    });

    it('captures part of a hold', async () => {
      const processorPaymentId = await paymentId(gateway(), account, 'manual');
      const outcome = await gateway().capturePayment({
        account,
        processorPaymentId,
        amountMinor: 600,
        idempotencyKey: freshKey('capture'),
      });
      expectHoldOutcome(outcome);
    });

    it('releases a hold', async () => {
      const processorPaymentId = await paymentId(gateway(), account, 'manual');
      expectHoldOutcome(
        await gateway().cancelPayment({ account, processorPaymentId, idempotencyKey: freshKey('cancel') }),
      );
    });

    it('refunds part of a payment', async () => {
      const processorPaymentId = await paymentId(gateway(), account, 'automatic');
      const result = await gateway().refund({
        account,
        processorPaymentId,
        amountMinor: 300,
        reason: 'requested_by_customer',
        idempotencyKey: freshKey('refund'),
      });
      expectRefundResult(result);
    });

    it('asks again for a payment by its idempotency key, payment id and creation time', async () => {
      const idempotencyKey = freshKey('lookup');
      const paymentId = freshKey('payment');
      const createdSince = new Date(Date.now() - 60_000).toISOString();
      await gateway().createPayment({
        account,
        amount: cad(1800),
        capture: 'manual',
        source: { kind: 'token', paymentMethodToken: 'pm_card_visa' },
        idempotencyKey,
        metadata: { paymentId, tenant: 'tenant-1' },
      });
      // A stateless mock's fixtures never carry this payment's metadata, so only a stateful target
      // finds it; either way the request is accepted and whatever is found maps to the port.
      const outcome = await gateway().lookupPayment({ account, paymentId, tenant: 'tenant-1', createdSince, idempotencyKey });
      if (outcome) expectPaymentOutcome(outcome);
    });

    it('removes a saved card', async () => {
      const processorCustomerId = await customerId(gateway(), account);
      const processorPaymentMethodId = await savedCardId(gateway(), account, processorCustomerId);
      const removed = await gateway().removeCard({
        account,
        processorPaymentMethodId,
        idempotencyKey: freshKey('remove'),
      });
      expect(removed).toEqual({ processorPaymentMethodId: matching(/^pm_/) });
    });
  });

  describe('Connect onboarding', () => {
    const urls = {
      returnUrl: 'https://ledger.example.com/settings/stripe/return',
      refreshUrl: 'https://ledger.example.com/settings/stripe/refresh',
    };

    it('creates an account for the tenant and a link to onboard it', async () => {
      const result = await fixture().gateway.startConnectOnboarding({
        tenantId: 'tenant-1',
        ...urls,
        idempotencyKey: freshKey('connect'),
      });
      expect(result).toEqual({ accountId: matching(/^acct_/), onboardingUrl: matching(/^https?:\/\//) });
    });

    it('resumes onboarding of an existing account', async () => {
      const result = await fixture().gateway.startConnectOnboarding({
        tenantId: 'tenant-1',
        existingAccountId: 'acct_1ExistingTenant',
        ...urls,
        idempotencyKey: freshKey('connect-again'),
      });
      expect(result.accountId).toBe('acct_1ExistingTenant');
      expect(() => new URL(result.onboardingUrl)).not.toThrow();
    });
  });
}
