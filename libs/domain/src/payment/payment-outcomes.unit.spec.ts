// Goal: processor outcomes (charge, decline, hold, capture, release, expiry) are recorded once,
// whichever of our handler and the webhook reports first, and never contradict each other.
// Method: given/when/then on the payment decider; assert the events or the rejection code.
import { type PaymentCommand, paymentDecider } from '@ledger/domain';
import { cad, commandsOf, decider, paymentGiven } from '@ledger/testing';

const {
  authorizationExpired,
  authorizationReleased,
  authorized,
  captureBefore,
  chargeFailed,
  charged,
  initiated,
  paymentId,
  visaDisplay,
} = paymentGiven;
const command = commandsOf<PaymentCommand>();
const spec = decider(paymentDecider);
const hold = initiated({ capture: 'MANUAL' });

const charge = (amountMinor = 10_000, processorPaymentId = 'pi_1') =>
  command('RecordCharge', { paymentId, processorPaymentId, amount: cad(amountMinor), card: visaDisplay });
const authorize = (amountMinor = 10_000, processorPaymentId = 'pi_1') =>
  command('RecordAuthorization', { paymentId, processorPaymentId, amount: cad(amountMinor), captureBefore });
const fail = command('RecordChargeFailure', chargeFailed().data);
const release = command('RecordAuthorizationRelease', { paymentId });
const expire = (now: string) => command('ExpireAuthorization', { paymentId }, { now });

describe('RecordCharge for an automatic capture', () => {
  it('records the charge with display-only card data', () => {
    spec.given([initiated()]).when(charge()).then([charged()]);
  });

  it('is a no-op when the webhook reports the same charge again', () => {
    spec.given([initiated(), charged()]).when(charge()).then([]);
  });

  it('rejects a different processor payment for a charged payment', () => {
    spec.given([initiated(), charged()]).when(charge(10_000, 'pi_2')).thenRejects('INVALID_STATE');
  });

  it('rejects a charge above the initiated amount', () => {
    spec.given([initiated()]).when(charge(10_001)).thenRejects('AMOUNT_EXCEEDS_AUTHORIZED');
  });

  it('rejects a charge after the payment failed, and an unknown payment', () => {
    spec.given([initiated(), chargeFailed()]).when(charge()).thenRejects('INVALID_STATE');
    spec.given([]).when(charge()).thenRejects('NOT_FOUND');
  });

  it('rejects an amount in another currency', () => {
    spec
      .given([initiated()])
      .when(
        command('RecordCharge', {
          paymentId,
          processorPaymentId: 'pi_1',
          amount: { amountMinor: 10_000, currency: 'USD' },
        }),
      )
      .thenRejects('CURRENCY_MISMATCH');
  });
});

describe('RecordChargeFailure', () => {
  it('records the decline with its codes', () => {
    spec.given([initiated()]).when(fail).then([chargeFailed()]);
  });

  it('is a no-op the second time', () => {
    spec.given([initiated(), chargeFailed()]).when(fail).then([]);
  });

  it('rejects a failure that contradicts a recorded charge', () => {
    spec.given([initiated(), charged()]).when(fail).thenRejects('INVALID_STATE');
  });
});

describe('a hold (manual capture)', () => {
  it('records the authorization, once', () => {
    spec.given([hold]).when(authorize()).then([authorized()]);
    spec.given([hold, authorized()]).when(authorize()).then([]);
  });

  it('treats a late authorization report after capture as the same fact', () => {
    spec
      .given([hold, authorized(), charged(6_000)])
      .when(authorize())
      .then([]);
  });

  it('rejects an authorization for an automatic capture', () => {
    spec.given([initiated()]).when(authorize()).thenRejects('INVALID_STATE');
  });

  it('rejects an authorization naming another processor payment', () => {
    spec.given([hold, authorized()]).when(authorize(10_000, 'pi_2')).thenRejects('INVALID_STATE');
  });

  it('captures all of the hold', () => {
    spec
      .given([hold, authorized()])
      .when(charge(10_000))
      .then([charged(10_000)]);
  });

  it('captures part of the hold', () => {
    spec
      .given([hold, authorized()])
      .when(charge(6_000))
      .then([charged(6_000)]);
  });

  it('rejects capturing more than was authorized', () => {
    spec
      .given([hold, authorized(8_000)])
      .when(charge(8_001))
      .thenRejects('AMOUNT_EXCEEDS_AUTHORIZED', { authorizedMinor: 8_000 });
  });

  it('rejects capturing before the hold is recorded', () => {
    spec.given([hold]).when(charge()).thenRejects('INVALID_STATE');
  });

  it('rejects capturing a released or an expired hold', () => {
    spec.given([hold, authorized(), authorizationReleased()]).when(charge()).thenRejects('INVALID_STATE');
    spec.given([hold, authorized(), authorizationExpired()]).when(charge()).thenRejects('INVALID_STATE');
  });

  it('releases the hold once', () => {
    spec.given([hold, authorized()]).when(release).then([authorizationReleased()]);
    spec.given([hold, authorized(), authorizationReleased()]).when(release).then([]);
  });

  it('rejects releasing a captured hold', () => {
    spec.given([hold, authorized(), charged()]).when(release).thenRejects('INVALID_STATE');
  });

  it('expires the hold only once its capture window has passed', () => {
    spec.given([hold, authorized()]).when(expire('2025-06-08T11:59:59.999Z')).thenRejects('INVALID_STATE');
    spec.given([hold, authorized()]).when(expire(captureBefore)).then([authorizationExpired()]);
  });

  it('is a no-op when the expiry timer fires after capture or release', () => {
    spec.given([hold, authorized(), charged()]).when(expire(captureBefore)).then([]);
    spec.given([hold, authorized(), authorizationReleased()]).when(expire(captureBefore)).then([]);
  });
});

describe('a one-time card', () => {
  it('moves money without ever producing a CardSaved event', () => {
    const oneTime = initiated({ method: 'ONE_TIME_CARD' });
    expect(oneTime.data.saveCard).toBe(false);
    spec.given([oneTime]).when(charge()).then([charged()]);
  });

  it('keeps only display data of the card even if the report carries more', () => {
    const report = { ...visaDisplay, processorPaymentMethodId: 'pm_one_time', fingerprint: 'fp_1' };
    spec
      .given([initiated({ method: 'ONE_TIME_CARD' })])
      .when(command('RecordCharge', { paymentId, processorPaymentId: 'pi_1', amount: cad(10_000), card: report }))
      .then([charged()]);
  });
});
