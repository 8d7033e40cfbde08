/**
 * Stateful contract, cards: Stripe's documented test tokens charge, decline and save as Stripe
 * documents, a one-time card leaves nothing behind that could charge it again, and a saved card
 * can be charged off-session until it is removed.
 */
import { GatewayRequestError } from '../payment-gateway.errors.js';
import type { PaymentGateway } from '../payment-gateway.port.js';
import type { PaymentSource } from '../payment-gateway.types.js';
import {
  anyString,
  cad,
  expectCardDisplay,
  freshKey,
  matching,
  platform,
  type GatewayFixture,
} from './contract-support.js';

const brands = [
  { token: 'pm_card_visa', brand: 'visa', last4: '4242' },
  { token: 'pm_card_mastercard', brand: 'mastercard', last4: '4444' },
  { token: 'pm_card_amex', brand: 'amex', last4: '8431' },
  { token: 'pm_card_discover', brand: 'discover', last4: '1117' },
];

const declines = [
  { token: 'pm_card_chargeDeclined', failureCode: 'card_declined', declineCode: 'generic_decline' },
  { token: 'pm_card_chargeDeclinedInsufficientFunds', failureCode: 'card_declined', declineCode: 'insufficient_funds' },
  { token: 'pm_card_chargeDeclinedExpiredCard', failureCode: 'expired_card', declineCode: undefined },
  { token: 'pm_card_chargeDeclinedIncorrectCvc', failureCode: 'incorrect_cvc', declineCode: undefined },
  { token: 'pm_card_chargeDeclinedFraudulent', failureCode: 'card_declined', declineCode: 'fraudulent' },
  { token: 'pm_card_chargeDeclinedProcessingError', failureCode: 'processing_error', declineCode: undefined },
  { token: 'pm_card_chargeCustomerFail', failureCode: 'card_declined', declineCode: 'generic_decline' },
];

function charge(gateway: PaymentGateway, source: PaymentSource, amountMinor = 1500) {
  return gateway.createPayment({
    account: platform,
    amount: cad(amountMinor),
    capture: 'automatic',
    source,
    idempotencyKey: freshKey('charge'),
  });
}

async function newCustomer(gateway: PaymentGateway): Promise<string> {
  const key = freshKey('customer');
  return (
    await gateway.ensureCustomer({ account: platform, customerId: key, email: 'bo@example.com', idempotencyKey: key })
  ).processorCustomerId;
}

async function saveCard(gateway: PaymentGateway, processorCustomerId: string, paymentMethodToken: string) {
  return gateway.saveCard({
    account: platform,
    processorCustomerId,
    paymentMethodToken,
    idempotencyKey: freshKey('save'),
  });
}

async function expectRefused(promise: Promise<unknown>, code: string, param?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayRequestError);
  expect(error).toMatchObject({ code, retryable: false, ...(param ? { param } : {}) });
}

export function cardsContract(fixture: () => GatewayFixture): void {
  const gateway = (): PaymentGateway => fixture().gateway;

  it.each(brands)('charges $brand and reports its brand and last four digits', async ({ token, brand, last4 }) => {
    const outcome = await charge(gateway(), { kind: 'token', paymentMethodToken: token }, 1234);
    expect(outcome).toMatchObject({ status: 'succeeded', amountCaptured: cad(1234) });
    if (outcome.status === 'succeeded') expectCardDisplay(outcome.card, brand, last4);
  });

  it.each(declines)(
    'reports $token as a declined payment, not an exception',
    async ({ token, failureCode, declineCode }) => {
      const outcome = await charge(gateway(), { kind: 'token', paymentMethodToken: token });
      expect(outcome).toEqual({
        status: 'failed',
        processorPaymentId: matching(/^pi_/),
        failureCode,
        ...(declineCode ? { declineCode } : {}),
        message: anyString,
      });
    },
  );

  it('refuses a token it does not know as resource_missing', async () => {
    await expectRefused(
      charge(gateway(), { kind: 'token', paymentMethodToken: 'pm_does_not_exist' }),
      'resource_missing',
      'payment_method',
    );
  });

  it('keeps nothing of a one-time card that could charge it again', async () => {
    const outcome = await charge(gateway(), { kind: 'token', paymentMethodToken: 'pm_card_visa' });
    expect(outcome.status).toBe('succeeded');
    expect(JSON.stringify(outcome)).not.toMatch(/"pm_/);
  });

  it('saves a card for a customer and charges it off-session', async () => {
    const processorCustomerId = await newCustomer(gateway());
    const saved = await saveCard(gateway(), processorCustomerId, 'pm_card_amex');
    if (saved.status !== 'saved') throw new Error(`expected a saved card, got ${JSON.stringify(saved)}`);
    expectCardDisplay(saved.card, 'amex', '8431');
    expect(saved.card.processorCustomerId).toBe(processorCustomerId);
    const outcome = await charge(gateway(), {
      kind: 'saved',
      processorCustomerId,
      processorPaymentMethodId: saved.card.processorPaymentMethodId,
    });
    expect(outcome).toMatchObject({ status: 'succeeded', card: { brand: 'amex', last4: '8431' } });
  });

  it('saves a new card along with its first payment, for later charges', async () => {
    const processorCustomerId = await newCustomer(gateway());
    const first = await charge(gateway(), {
      kind: 'token',
      paymentMethodToken: 'pm_card_mastercard',
      saveFor: processorCustomerId,
    });
    if (first.status !== 'succeeded' || !first.savedCard)
      throw new Error(`expected a saved card, got ${JSON.stringify(first)}`);
    expect(first.savedCard.processorCustomerId).toBe(processorCustomerId);
    const again = await charge(gateway(), {
      kind: 'saved',
      processorCustomerId,
      processorPaymentMethodId: first.savedCard.processorPaymentMethodId,
    });
    expect(again).toMatchObject({ status: 'succeeded', card: { brand: 'mastercard', last4: '4444' } });
  });

  it('does not save a card whose payment was declined', async () => {
    const processorCustomerId = await newCustomer(gateway());
    const outcome = await charge(gateway(), {
      kind: 'token',
      paymentMethodToken: 'pm_card_chargeDeclined',
      saveFor: processorCustomerId,
    });
    expect(outcome).not.toHaveProperty('savedCard');
  });

  it('refuses to save a card that fails verification', async () => {
    const saved = await saveCard(gateway(), await newCustomer(gateway()), 'pm_card_chargeDeclinedInsufficientFunds');
    expect(saved).toEqual({
      status: 'failed',
      failureCode: 'card_declined',
      declineCode: 'insufficient_funds',
      message: anyString,
    });
  });

  it('saves pm_card_chargeCustomerFail but declines charging it', async () => {
    const processorCustomerId = await newCustomer(gateway());
    const saved = await saveCard(gateway(), processorCustomerId, 'pm_card_chargeCustomerFail');
    if (saved.status !== 'saved') throw new Error(`expected a saved card, got ${JSON.stringify(saved)}`);
    const outcome = await charge(gateway(), {
      kind: 'saved',
      processorCustomerId,
      processorPaymentMethodId: saved.card.processorPaymentMethodId,
    });
    expect(outcome).toMatchObject({ status: 'failed', failureCode: 'card_declined', declineCode: 'generic_decline' });
  });

  it('no longer charges a removed card', async () => {
    const processorCustomerId = await newCustomer(gateway());
    const saved = await saveCard(gateway(), processorCustomerId, 'pm_card_visa');
    if (saved.status !== 'saved') throw new Error('expected a saved card');
    const processorPaymentMethodId = saved.card.processorPaymentMethodId;
    await gateway().removeCard({ account: platform, processorPaymentMethodId, idempotencyKey: freshKey('remove') });
    await expectRefused(
      charge(gateway(), { kind: 'saved', processorCustomerId, processorPaymentMethodId }),
      'resource_missing',
    );
  });

  it("does not charge one customer's card for another customer", async () => {
    const owner = await newCustomer(gateway());
    const saved = await saveCard(gateway(), owner, 'pm_card_visa');
    if (saved.status !== 'saved') throw new Error('expected a saved card');
    const other = await newCustomer(gateway());
    const source = {
      kind: 'saved',
      processorCustomerId: other,
      processorPaymentMethodId: saved.card.processorPaymentMethodId,
    } as const;
    await expectRefused(charge(gateway(), source), 'resource_missing');
  });

  it('refuses to save a card for a customer it does not know', async () => {
    await expectRefused(saveCard(gateway(), 'cus_unknown', 'pm_card_visa'), 'resource_missing', 'customer');
  });
}
