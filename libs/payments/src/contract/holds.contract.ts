/**
 * Stateful contract, holds and refunds: a hold can be captured once, in full or in part, within
 * seven days, or released; refunds are repeatable up to what was captured. Refusals of a capture
 * or a release are outcomes; an over-refund is a refused request, as at Stripe. A capture or a
 * release that meets a hold already captured or let go reports that state, not a refusal, since
 * it is how a call retried after a lost answer learns that money moved.
 */
import { GatewayRequestError } from '../payment-gateway.errors.js';
import type { PaymentGateway } from '../payment-gateway.port.js';
import type { CaptureOutcome } from '../payment-gateway.types.js';
import { anyString, cad, freshKey, matching, paymentIdOf, platform, type GatewayFixture } from './contract-support.js';

const SEVEN_DAYS_MS = 7 * 24 * 60 * 60 * 1000;
const account = platform;

async function pay(
  gateway: PaymentGateway,
  capture: 'automatic' | 'manual',
  amountMinor = 1000,
  token = 'pm_card_visa',
) {
  const source = { kind: 'token', paymentMethodToken: token } as const;
  return gateway.createPayment({
    account,
    amount: cad(amountMinor),
    capture,
    source,
    idempotencyKey: freshKey(`pay-${capture}`),
  });
}

function capture(gateway: PaymentGateway, processorPaymentId: string, amountMinor?: number): Promise<CaptureOutcome> {
  const amount = amountMinor === undefined ? {} : { amountMinor };
  return gateway.capturePayment({ account, processorPaymentId, ...amount, idempotencyKey: freshKey('capture') });
}

function release(gateway: PaymentGateway, processorPaymentId: string) {
  return gateway.cancelPayment({ account, processorPaymentId, idempotencyKey: freshKey('cancel') });
}

function refund(gateway: PaymentGateway, processorPaymentId: string, amountMinor: number) {
  return gateway.refund({ account, processorPaymentId, amountMinor, idempotencyKey: freshKey('refund') });
}

function failedWith(failureCode: string) {
  return { status: 'failed', failureCode, processorPaymentId: matching(/^pi_/), message: anyString };
}

async function expectOverRefund(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayRequestError);
  expect(error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
}

export function holdsContract(fixture: () => GatewayFixture, controllableClock: boolean): void {
  const gateway = (): PaymentGateway => fixture().gateway;
  const withClock = controllableClock ? it : it.skip;

  it('places a hold for the whole amount, capturable for seven days', async () => {
    const startedAt = fixture().clock?.now();
    const hold = await pay(gateway(), 'manual', 4200);
    expect(hold).toMatchObject({ status: 'requires_capture', amountAuthorized: cad(4200) });
    if (hold.status === 'requires_capture' && startedAt) {
      expect(Date.parse(hold.captureBefore)).toBe(startedAt.getTime() + SEVEN_DAYS_MS);
    }
  });

  it('captures part of a hold, releases the rest, and refunds at most what was captured', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual', 1000));
    expect(await capture(gateway(), id, 600)).toEqual({
      status: 'succeeded',
      processorPaymentId: id,
      amountCaptured: cad(600),
    });
    expect(await refund(gateway(), id, 600)).toMatchObject({ status: 'succeeded', amount: cad(600) });
    await expectOverRefund(refund(gateway(), id, 1));
  });

  it('captures the whole hold when no amount is given', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual', 1000));
    expect(await capture(gateway(), id)).toMatchObject({ status: 'succeeded', amountCaptured: cad(1000) });
  });

  it('refuses to capture more than was authorised, and the hold stays capturable', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual', 1000));
    expect(await capture(gateway(), id, 1001)).toEqual(failedWith('amount_too_large'));
    expect(await capture(gateway(), id, 1000)).toMatchObject({ status: 'succeeded' });
  });

  it('captures a hold only once; a capture retried under a new key answers the capture that happened', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual'));
    await capture(gateway(), id, 400);
    // The first answer may have been lost: the retry learns the money was taken, and how much.
    expect(await capture(gateway(), id, 700)).toEqual({ status: 'succeeded', processorPaymentId: id, amountCaptured: cad(400) });
  });

  it('does not capture a released hold, and says it was let go', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual'));
    const released = await release(gateway(), id);
    expect(released).toEqual({ status: 'canceled', processorPaymentId: id });
    expect(await capture(gateway(), id)).toEqual({ status: 'canceled', processorPaymentId: id });
    expect(await release(gateway(), id)).toEqual({ status: 'canceled', processorPaymentId: id });
  });

  it('does not release a completed payment, and reports the money it took', async () => {
    const id = paymentIdOf(await pay(gateway(), 'automatic'));
    expect(await release(gateway(), id)).toEqual({ status: 'succeeded', processorPaymentId: id, amountCaptured: cad(1000) });
  });

  it('does not release a captured hold, and reports the capture', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual'));
    await capture(gateway(), id, 600);
    expect(await release(gateway(), id)).toEqual({ status: 'succeeded', processorPaymentId: id, amountCaptured: cad(600) });
  });

  it('keeps a refund\'s metadata out of its answer', async () => {
    const id = paymentIdOf(await pay(gateway(), 'automatic'));
    const refunded = await gateway().refund({ account, processorPaymentId: id, amountMinor: 100, metadata: { refundId: 'refund-1' }, idempotencyKey: freshKey('refund') });
    expect(refunded).toEqual({ processorRefundId: matching(/^re_/), status: 'succeeded', amount: cad(100) });
  });

  it('does not capture a declined payment', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual', 1000, 'pm_card_chargeDeclined'));
    expect(await capture(gateway(), id)).toEqual(failedWith('payment_intent_unexpected_state'));
  });

  it('refunds repeatedly up to the captured amount, then refuses', async () => {
    const id = paymentIdOf(await pay(gateway(), 'automatic', 1000));
    for (const amountMinor of [300, 300, 400]) {
      expect(await refund(gateway(), id, amountMinor)).toMatchObject({ status: 'succeeded', amount: cad(amountMinor) });
    }
    await expectOverRefund(refund(gateway(), id, 1));
  });

  it('refunds nothing of a hold that was never captured', async () => {
    await expectOverRefund(refund(gateway(), paymentIdOf(await pay(gateway(), 'manual')), 100));
  });

  withClock('lets a hold be captured until just before its deadline', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual'));
    fixture().clock?.advance(SEVEN_DAYS_MS - 1000);
    expect(await capture(gateway(), id)).toMatchObject({ status: 'succeeded' });
  });

  withClock('refuses to capture a hold after seven days', async () => {
    const id = paymentIdOf(await pay(gateway(), 'manual'));
    fixture().clock?.advance(SEVEN_DAYS_MS);
    expect(await capture(gateway(), id)).toEqual(failedWith('charge_expired_for_capture'));
  });
}
