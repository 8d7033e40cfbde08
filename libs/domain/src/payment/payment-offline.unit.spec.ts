// Goal: cash, check, e-transfer and other offline payments are recorded only when the business
// accepts that method, can be refunded by hand, and split deterministically across bookings.
// Method: given/when/then on the payment decider and direct calls to the allocation helper.
import {
  allocateInOrder,
  type OfflinePaymentMethod,
  type PaymentCommand,
  paymentDecider,
  type RecordOfflinePayment,
} from '@ledger/domain';
import { cad, commandsOf, decider, paymentGiven } from '@ledger/testing';

const { cashCollected, paymentId, refunded } = paymentGiven;
const command = commandsOf<PaymentCommand>();
const spec = decider(paymentDecider);
const allMethods: OfflinePaymentMethod[] = ['CASH', 'CHECK', 'E_TRANSFER', 'OTHER'];

const collect = (change: Partial<RecordOfflinePayment['data']> = {}) =>
  command('RecordOfflinePayment', { ...cashCollected().data, enabledMethods: allMethods, ...change });

describe('RecordOfflinePayment', () => {
  it('records money collected by hand', () => {
    spec.given([]).when(collect()).then([cashCollected()]);
  });

  it('keeps the reference and note of a check', () => {
    const event = cashCollected(10_000, 'CHECK');
    spec
      .given([])
      .when(collect({ method: 'CHECK', reference: 'Check #1042', note: 'Left under the mat' }))
      .then([{ ...event, data: { ...event.data, reference: 'Check #1042', note: 'Left under the mat' } }]);
  });

  it('rejects a method the business turned off', () => {
    spec
      .given([])
      .when(collect({ method: 'CHECK', enabledMethods: ['CASH', 'E_TRANSFER'] }))
      .thenRejects('OFFLINE_METHOD_DISABLED', { method: 'CHECK' });
  });

  it('is a no-op when the same collection is recorded again', () => {
    spec.given([cashCollected()]).when(collect()).then([]);
  });

  it('rejects another collection reusing the payment id', () => {
    spec
      .given([cashCollected()])
      .when(collect({ method: 'E_TRANSFER' }))
      .thenRejects('ALREADY_EXISTS');
  });

  it('rejects a card method and a non-positive amount', () => {
    spec
      .given([])
      .when(collect({ method: 'CARD_ON_FILE' as never }))
      .thenRejects('VALIDATION_FAILED');
    const amount = { amountMinor: 0, currency: 'CAD' };
    spec
      .given([])
      .when(collect({ amount, allocations: [{ bookingId: 'b-1', amount }] }))
      .thenRejects('INVALID_AMOUNT');
  });

  it('refunds cash handed back without a processor', () => {
    spec
      .given([cashCollected()])
      .when(command('RecordRefund', { paymentId, refundId: 'r-1', amount: cad(4_000) }))
      .then([refunded('r-1', 4_000, null)]);
    spec
      .given([cashCollected(), refunded('r-1', 4_000, null)])
      .when(command('RecordRefund', { paymentId, refundId: 'r-2', amount: cad(6_001) }))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE');
  });
});

describe('allocateInOrder', () => {
  const shares = [
    { bookingId: 'b-1', amount: cad(6_000) },
    { bookingId: 'b-2', amount: cad(4_000) },
  ];

  it('fills bookings in order and leaves out those that receive nothing', () => {
    expect(allocateInOrder(cad(7_000), shares)).toStrictEqual([
      { bookingId: 'b-1', amount: cad(6_000) },
      { bookingId: 'b-2', amount: cad(1_000) },
    ]);
    expect(allocateInOrder(cad(2_500), shares)).toStrictEqual([{ bookingId: 'b-1', amount: cad(2_500) }]);
  });

  it('refuses an amount larger than the shares', () => {
    expect(() => allocateInOrder(cad(10_001), shares)).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT' }));
  });
});
