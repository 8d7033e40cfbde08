/**
 * Stateful contract, finding a payment again: when the caller died before recording the answer of
 * a `createPayment`, a lookup with its key and payment id gives that answer (a charge, a hold, a
 * decline, a card saved along), brought up to date with what happened to the payment since. A key
 * that was never sent gives `undefined` and stays unused, so the payment can still be made with it.
 */
import { randomUUID } from 'node:crypto';
import type { PaymentGateway } from '../payment-gateway.port.js';
import type { CreatePaymentInput, PaymentOutcome, PaymentSource } from '../payment-gateway.types.js';
import { anyString, cad, freshKey, paymentIdOf, platform, type GatewayFixture } from './contract-support.js';

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const account = platform;
const visa: PaymentSource = { kind: 'token', paymentMethodToken: 'pm_card_visa' };

/** A payment as the ledger asks for it: its own id in the metadata, a key from its command. */
function paymentInput(capture: 'automatic' | 'manual', source: PaymentSource = visa): CreatePaymentInput {
  const paymentId = randomUUID();
  return {
    account,
    amount: cad(1000),
    capture,
    source,
    idempotencyKey: freshKey('pay'),
    metadata: { paymentId, tenant: 'tenant-1' },
  };
}

/** Earlier than any payment of these tests: the instant their intents would have been recorded. */
const createdSince = '2020-01-01T00:00:00.000Z';

function lookup(gateway: PaymentGateway, input: CreatePaymentInput): Promise<PaymentOutcome | undefined> {
  const paymentId = input.metadata?.paymentId ?? '';
  const tenant = input.metadata?.tenant ?? '';
  return gateway.lookupPayment({ account, paymentId, tenant, createdSince, idempotencyKey: input.idempotencyKey });
}

function canceled(processorPaymentId: string) {
  return { status: 'failed', processorPaymentId, failureCode: 'payment_canceled', message: anyString };
}

async function newCustomer(gateway: PaymentGateway): Promise<string> {
  const key = freshKey('customer');
  return (await gateway.ensureCustomer({ account, customerId: key, idempotencyKey: key })).processorCustomerId;
}

export function lookupContract(fixture: () => GatewayFixture, controllableClock: boolean): void {
  const gateway = (): PaymentGateway => fixture().gateway;
  const withClock = controllableClock ? it : it.skip;

  it.each([
    ['a charge', () => paymentInput('automatic')],
    ['a hold', () => paymentInput('manual')],
    ['a decline', () => paymentInput('automatic', { kind: 'token', paymentMethodToken: 'pm_card_chargeDeclined' })],
  ])('answers with the outcome of %s', async (_label, input) => {
    const payment = input();
    const outcome = await gateway().createPayment(payment);
    expect(await lookup(gateway(), payment)).toEqual(outcome);
  });

  it('answers with the card saved along with a payment, and the customer it belongs to', async () => {
    const saveFor = await newCustomer(gateway());
    const payment = paymentInput('automatic', { kind: 'token', paymentMethodToken: 'pm_card_amex', saveFor });
    const outcome = await gateway().createPayment(payment);
    expect(outcome).toMatchObject({ savedCard: { processorCustomerId: saveFor, brand: 'amex' } });
    expect(await lookup(gateway(), payment)).toEqual(outcome);
  });

  it('reports a hold captured since as the payment it became', async () => {
    const payment = paymentInput('manual');
    const hold = await gateway().createPayment(payment);
    if (hold.status !== 'requires_capture') throw new Error(`expected a hold, got ${JSON.stringify(hold)}`);
    const processorPaymentId = hold.processorPaymentId;
    await gateway().capturePayment({ account, processorPaymentId, amountMinor: 600, idempotencyKey: freshKey('cap') });
    expect(await lookup(gateway(), payment)).toEqual({
      status: 'succeeded',
      processorPaymentId,
      amountCaptured: cad(600),
      card: hold.card,
    });
  });

  it('reports a hold released since as canceled', async () => {
    const payment = paymentInput('manual');
    const processorPaymentId = paymentIdOf(await gateway().createPayment(payment));
    await gateway().cancelPayment({ account, processorPaymentId, idempotencyKey: freshKey('cancel') });
    expect(await lookup(gateway(), payment)).toEqual(canceled(processorPaymentId));
  });

  withClock('reports a hold past its deadline as canceled', async () => {
    const payment = paymentInput('manual');
    const processorPaymentId = paymentIdOf(await gateway().createPayment(payment));
    fixture().clock?.advance(SEVEN_DAYS_MS);
    expect(await lookup(gateway(), payment)).toEqual(canceled(processorPaymentId));
  });

  it('answers a key never sent with undefined, and the payment can still be made with it', async () => {
    const payment = paymentInput('automatic');
    expect(await lookup(gateway(), payment)).toBeUndefined();
    expect(await lookup(gateway(), payment)).toBeUndefined();
    const outcome = await gateway().createPayment(payment);
    expect(outcome).toMatchObject({ status: 'succeeded', amountCaptured: cad(1000) });
    expect(await gateway().createPayment(payment)).toEqual(outcome);
    expect(await lookup(gateway(), payment)).toEqual(outcome);
  });
}
