// Goal: a payment link is payable only while open and unexpired, pays at most once, and accepts
// the money of an attempt that began in time even if the link closes during the charge.
// Method: given/when/then on the payment link decider; assert the events or the rejection code.
import { type PaymentLinkCommand, paymentLinkDecider, type PaymentLinkEvent } from '@ledger/domain';
import { cad, commandsOf, decider } from '@ledger/testing';

const command = commandsOf<PaymentLinkCommand>();
const spec = decider(paymentLinkDecider);
const linkId = 'l-1';
const expiresAt = '2025-06-08T12:00:00.000Z';
const afterExpiry = { now: expiresAt };

const createdData = {
  linkId,
  customerId: 'c-1',
  bookingIds: ['b-1', 'b-2'],
  amount: cad(30_000),
  tokenHash: 'f'.repeat(64),
  email: 'ada@example.com',
  expiresAt,
};
const created: PaymentLinkEvent = { type: 'PaymentLinkCreated', data: createdData };
const started = (paymentId: string): PaymentLinkEvent => ({
  type: 'PaymentLinkPaymentStarted',
  data: { linkId, paymentId },
});
const paid = (paymentId: string): PaymentLinkEvent => ({ type: 'PaymentLinkPaid', data: { linkId, paymentId } });
const expired: PaymentLinkEvent = { type: 'PaymentLinkExpired', data: { linkId } };
const cancelled: PaymentLinkEvent = { type: 'PaymentLinkCancelled', data: { linkId } };

const create = (change: Partial<typeof createdData & { chargesEnabled: boolean }> = {}) =>
  command('CreatePaymentLink', { ...createdData, chargesEnabled: true, ...change });
const pay = (paymentId: string, context = {}) => command('PayPaymentLink', { linkId, paymentId }, context);
const recordPaid = (paymentId: string) => command('RecordPaymentLinkPaid', { linkId, paymentId });

describe('CreatePaymentLink', () => {
  it('records the link for several bookings with the token hash only', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('rejects a second creation', () => {
    spec.given([created]).when(create()).thenRejects('ALREADY_EXISTS');
  });

  it('rejects a link nobody could pay while the processor account cannot take charges', () => {
    spec
      .given([])
      .when(create({ chargesEnabled: false }))
      .thenRejects('STRIPE_NOT_CONNECTED');
  });

  it.each([
    ['expiresAt', { expiresAt: '2025-06-01T12:00:00.000Z' }],
    ['bookingIds', { bookingIds: [] }],
    ['bookingIds', { bookingIds: ['b-1', 'b-1'] }],
    ['email', { email: 'nobody' }],
  ])('rejects an invalid %s', (field, change) => {
    spec.given([]).when(create(change)).thenRejects('VALIDATION_FAILED', { field });
  });

  it('rejects a zero amount', () => {
    spec
      .given([])
      .when(create({ amount: cad(0) }))
      .thenRejects('INVALID_AMOUNT');
  });
});

describe('PayPaymentLink', () => {
  it('records the attempt before the card is charged', () => {
    spec
      .given([created])
      .when(pay('p-1'))
      .then([started('p-1')]);
  });

  it('is a no-op when the same attempt is submitted twice', () => {
    spec
      .given([created, started('p-1')])
      .when(pay('p-1'))
      .then([]);
  });

  it('accepts a new attempt after a declined one', () => {
    spec
      .given([created, started('p-1')])
      .when(pay('p-2'))
      .then([started('p-2')]);
  });

  it('rejects a link whose time is up, even before the timer ran', () => {
    spec.given([created]).when(pay('p-1', afterExpiry)).thenRejects('LINK_EXPIRED');
  });

  it('rejects an expired link', () => {
    spec.given([created, expired]).when(pay('p-1')).thenRejects('LINK_EXPIRED');
  });

  it('rejects a paid or a cancelled link', () => {
    spec
      .given([created, started('p-1'), paid('p-1')])
      .when(pay('p-2'))
      .thenRejects('LINK_NOT_PAYABLE');
    spec.given([created, cancelled]).when(pay('p-1')).thenRejects('LINK_NOT_PAYABLE');
  });

  it('rejects an unknown link', () => {
    spec.given([]).when(pay('p-1')).thenRejects('NOT_FOUND');
  });
});

describe('RecordPaymentLinkPaid', () => {
  it('marks the link paid by the attempt', () => {
    spec
      .given([created, started('p-1')])
      .when(recordPaid('p-1'))
      .then([paid('p-1')]);
  });

  it('accepts the money of an attempt that began before the link expired', () => {
    spec
      .given([created, started('p-1'), expired])
      .when(recordPaid('p-1'))
      .then([paid('p-1')]);
  });

  it('is a no-op when the same payment is reported twice', () => {
    spec
      .given([created, started('p-1'), paid('p-1')])
      .when(recordPaid('p-1'))
      .then([]);
  });

  it('rejects a second payment for a paid link', () => {
    spec
      .given([created, started('p-1'), started('p-2'), paid('p-1')])
      .when(recordPaid('p-2'))
      .thenRejects('LINK_NOT_PAYABLE');
  });

  it('rejects a payment that did not start through the link', () => {
    spec.given([created]).when(recordPaid('p-1')).thenRejects('INVALID_STATE');
  });
});

describe('ExpirePaymentLink', () => {
  it('records the expiry once the time is up', () => {
    spec
      .given([created])
      .when(command('ExpirePaymentLink', { linkId }, afterExpiry))
      .then([expired]);
  });

  it('rejects an expiry before the time', () => {
    spec.given([created]).when(command('ExpirePaymentLink', { linkId })).thenRejects('INVALID_STATE');
  });

  it('is a no-op for a link already paid, cancelled or expired', () => {
    for (const closed of [[started('p-1'), paid('p-1')], [cancelled], [expired]]) {
      spec
        .given([created, ...closed])
        .when(command('ExpirePaymentLink', { linkId }, afterExpiry))
        .then([]);
    }
  });
});

describe('CancelPaymentLink', () => {
  const cancel = command('CancelPaymentLink', { linkId });

  it('records the cancellation once', () => {
    spec.given([created]).when(cancel).then([cancelled]);
    spec.given([created, cancelled]).when(cancel).then([]);
  });

  it('rejects cancelling a paid or an expired link', () => {
    spec
      .given([created, started('p-1'), paid('p-1')])
      .when(cancel)
      .thenRejects('INVALID_STATE');
    spec.given([created, expired]).when(cancel).thenRejects('INVALID_STATE');
  });
});
