// Goal: a card payment's intent is recorded, validated and idempotent before any processor call,
// and the card source decides whether a card may ever be saved.
// Method: given/when/then on the payment decider; assert the events or the rejection code.
import { type InitiatePayment, type PaymentCommand, paymentDecider } from '@ledger/domain';
import { cad, commandsOf, decider, paymentGiven, stateAfter } from '@ledger/testing';

const command = commandsOf<PaymentCommand>();
const spec = decider(paymentDecider);

const initiate = (change: Partial<InitiatePayment['data']> = {}) =>
  command('InitiatePayment', { ...paymentGiven.initiated().data, chargesEnabled: true, ...change });

describe('InitiatePayment', () => {
  it('records the intent for a card on file', () => {
    spec.given([]).when(initiate()).then([paymentGiven.initiated()]);
  });

  it('records a hold, a new card to save and a one-time card', () => {
    spec
      .given([])
      .when(initiate({ capture: 'MANUAL' }))
      .then([paymentGiven.initiated({ capture: 'MANUAL' })]);
    spec
      .given([])
      .when(initiate({ method: 'NEW_CARD', cardId: undefined, saveCard: true }))
      .then([paymentGiven.initiated({ method: 'NEW_CARD' })]);
    spec
      .given([])
      .when(initiate({ method: 'ONE_TIME_CARD', cardId: undefined, saveCard: false }))
      .then([paymentGiven.initiated({ method: 'ONE_TIME_CARD' })]);
  });

  it('lets the customer choose on a payment link', () => {
    for (const saveCard of [true, false]) {
      spec
        .given([])
        .when(initiate({ method: 'PAYMENT_LINK', cardId: undefined, saveCard }))
        .then([paymentGiven.initiated({ method: 'PAYMENT_LINK', saveCard })]);
    }
  });

  it('allocates one payment across several bookings of the customer', () => {
    const allocations = [
      { bookingId: 'b-1', amount: cad(6_000) },
      { bookingId: 'b-2', amount: cad(4_000) },
    ];
    const event = paymentGiven.initiated();
    spec
      .given([])
      .when(initiate({ allocations }))
      .then([{ ...event, data: { ...event.data, allocations } }]);
  });

  it('records the processor account the payment is made on, so every later call goes there', () => {
    spec
      .given([])
      .when(initiate({ processorAccountId: 'acct_1Original' }))
      .then([paymentGiven.initiated({ processorAccountId: 'acct_1Original' })]);
    const payment = stateAfter(paymentDecider, [paymentGiven.initiated({ processorAccountId: 'acct_1Original' })]);
    expect(payment).toMatchObject({ processorAccountId: 'acct_1Original' });
    // An intent recorded before the field existed names no account: callers use the tenant's.
    expect(stateAfter(paymentDecider, [paymentGiven.initiated()])).toMatchObject({ processorAccountId: null });
    spec
      .given([])
      .when(initiate({ processorAccountId: '' }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('is a no-op when retried with the same idempotency key', () => {
    spec.given([paymentGiven.initiated()]).when(initiate()).then([]);
  });

  it('rejects another request reusing the payment id', () => {
    spec
      .given([paymentGiven.initiated()])
      .when(initiate({ idempotencyKey: 'key-2' }))
      .thenRejects('ALREADY_EXISTS');
  });

  it('rejects card payments while the processor account cannot take charges', () => {
    spec
      .given([])
      .when(initiate({ chargesEnabled: false }))
      .thenRejects('STRIPE_NOT_CONNECTED');
  });

  it.each([0, -100, 10.5])('rejects an amount of %p minor units', (amountMinor) => {
    const amount = { amountMinor, currency: 'CAD' };
    spec
      .given([])
      .when(initiate({ amount, allocations: [{ bookingId: 'b-1', amount }] }))
      .thenRejects('INVALID_AMOUNT');
  });

  it('rejects allocations that do not add up to the amount', () => {
    spec
      .given([])
      .when(initiate({ allocations: [{ bookingId: 'b-1', amount: cad(9_999) }] }))
      .thenRejects('VALIDATION_FAILED', { allocatedMinor: 9_999 });
  });

  it('rejects the same booking allocated twice and an empty allocation list', () => {
    const twice = [
      { bookingId: 'b-1', amount: cad(5_000) },
      { bookingId: 'b-1', amount: cad(5_000) },
    ];
    spec
      .given([])
      .when(initiate({ allocations: twice }))
      .thenRejects('VALIDATION_FAILED');
    spec
      .given([])
      .when(initiate({ allocations: [] }))
      .thenRejects('VALIDATION_FAILED');
  });

  it('rejects an allocation in another currency', () => {
    const allocations = [{ bookingId: 'b-1', amount: { amountMinor: 10_000, currency: 'USD' } }];
    spec.given([]).when(initiate({ allocations })).thenRejects('CURRENCY_MISMATCH');
  });

  it.each([
    ['a card on file without a card', { cardId: undefined }],
    ['a card on file saved again', { saveCard: true }],
    ['a one-time card marked to save', { method: 'ONE_TIME_CARD', cardId: undefined, saveCard: true }],
    ['a new card not marked to save', { method: 'NEW_CARD', cardId: undefined, saveCard: false }],
    ['a new card naming a card on file', { method: 'NEW_CARD', saveCard: true }],
    ['an unknown capture mode', { capture: 'LATER' }],
  ] as const)('rejects %s', (_case, change) => {
    spec
      .given([])
      .when(initiate(change as Partial<InitiatePayment['data']>))
      .thenRejects('VALIDATION_FAILED');
  });
});
