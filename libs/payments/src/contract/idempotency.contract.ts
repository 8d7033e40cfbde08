/**
 * Stateful contract, idempotency: the same key with the same parameters gives the first answer
 * and moves money once, however many times and however concurrently it is sent; the same key
 * with anything else is refused with IdempotencyConflictError.
 */
import { IdempotencyConflictError } from '../payment-gateway.errors.js';
import type { PaymentGateway } from '../payment-gateway.port.js';
import type { CreatePaymentInput } from '../payment-gateway.types.js';
import { cad, freshKey, paymentIdOf, platform, type GatewayFixture } from './contract-support.js';

const account = platform;

function paymentInput(
  amountMinor: number,
  capture: 'automatic' | 'manual' = 'automatic',
  token = 'pm_card_visa',
): CreatePaymentInput {
  return {
    account,
    amount: cad(amountMinor),
    capture,
    source: { kind: 'token', paymentMethodToken: token },
    idempotencyKey: freshKey('pay'),
  };
}

async function expectConflict(promise: Promise<unknown>, idempotencyKey: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdempotencyConflictError);
  expect(error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey, retryable: false });
}

export function idempotencyContract(fixture: () => GatewayFixture): void {
  const gateway = (): PaymentGateway => fixture().gateway;

  it('answers a repeated payment with the first outcome', async () => {
    const input = paymentInput(1500);
    const first = await gateway().createPayment(input);
    expect(await gateway().createPayment(input)).toEqual(first);
  });

  it('answers a repeated declined payment with the same decline', async () => {
    const input = paymentInput(1500, 'automatic', 'pm_card_chargeDeclinedInsufficientFunds');
    const first = await gateway().createPayment(input);
    expect(first.status).toBe('failed');
    expect(await gateway().createPayment(input)).toEqual(first);
  });

  it('moves money once for twenty concurrent requests with one key', async () => {
    const input = paymentInput(2000);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => gateway().createPayment(input)));
    const ids = new Set(outcomes.map(paymentIdOf));
    expect(ids.size).toBe(1);
    // If twenty charges had been made under that id, more than 2000 would be refundable.
    const [id] = [...ids] as [string];
    await gateway().refund({
      account,
      processorPaymentId: id,
      amountMinor: 2000,
      idempotencyKey: freshKey('refund-all'),
    });
    await expect(
      gateway().refund({ account, processorPaymentId: id, amountMinor: 1, idempotencyKey: freshKey('refund-more') }),
    ).rejects.toMatchObject({
      code: 'amount_too_large',
    });
  });

  it('refuses a key reused with a different amount', async () => {
    const input = paymentInput(1500);
    await gateway().createPayment(input);
    await expectConflict(gateway().createPayment({ ...input, amount: cad(1501) }), input.idempotencyKey);
  });

  it('refuses a key reused for a different operation', async () => {
    const input = paymentInput(1500);
    const id = paymentIdOf(await gateway().createPayment(input));
    const refund = gateway().refund({
      account,
      processorPaymentId: id,
      amountMinor: 100,
      idempotencyKey: input.idempotencyKey,
    });
    await expectConflict(refund, input.idempotencyKey);
  });

  it('answers a repeated capture with the first outcome even though the hold has changed since', async () => {
    const id = paymentIdOf(await gateway().createPayment(paymentInput(1000, 'manual')));
    const input = { account, processorPaymentId: id, amountMinor: 700, idempotencyKey: freshKey('capture') };
    const first = await gateway().capturePayment(input);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(await gateway().capturePayment(input)).toEqual(first);
    await expectConflict(gateway().capturePayment({ ...input, amountMinor: 600 }), input.idempotencyKey);
  });

  it('answers repeated refunds, releases and customer, card and onboarding requests with the first answer', async () => {
    const paid = paymentIdOf(await gateway().createPayment(paymentInput(1000)));
    const held = paymentIdOf(await gateway().createPayment(paymentInput(1000, 'manual')));
    const customerKey = freshKey('customer');
    const customer = { account, customerId: 'customer-1', email: 'cy@example.com', idempotencyKey: customerKey };
    const { processorCustomerId } = await gateway().ensureCustomer(customer);
    const save = { account, processorCustomerId, paymentMethodToken: 'pm_card_visa', idempotencyKey: freshKey('save') };
    const saved = await gateway().saveCard(save);
    if (saved.status !== 'saved') throw new Error('expected a saved card');
    const remove = {
      account,
      processorPaymentMethodId: saved.card.processorPaymentMethodId,
      idempotencyKey: freshKey('remove'),
    };
    const urls = { returnUrl: 'https://ledger.example.com/return', refreshUrl: 'https://ledger.example.com/refresh' };
    const calls: Array<() => Promise<unknown>> = [
      () =>
        gateway().refund({
          account,
          processorPaymentId: paid,
          amountMinor: 250,
          idempotencyKey: `${customerKey}-refund`,
        }),
      () => gateway().cancelPayment({ account, processorPaymentId: held, idempotencyKey: `${customerKey}-cancel` }),
      () => gateway().ensureCustomer(customer),
      () => gateway().saveCard(save),
      () => gateway().removeCard(remove),
      () =>
        gateway().startConnectOnboarding({ tenantId: 'tenant-1', ...urls, idempotencyKey: `${customerKey}-connect` }),
    ];
    for (const call of calls) {
      const first = await call();
      expect(await call()).toEqual(first);
    }
  });
}
