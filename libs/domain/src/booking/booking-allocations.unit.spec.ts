// Goal: money allocated to a booking (reservations, holds, payments, refunds) never exceeds what
// is owed, and every step keyed by payment or refund id is safe to deliver twice.
// Method: given/when/then on the booking decider; assert the events or the rejection code.
import { type Booking, type BookingCommand, bookingDecider } from '@ledger/domain';
import { bookingGiven, cad, commandsOf, decider, stateAfter } from '@ledger/testing';

const { applied, authorized, bookingId, refundApplied, released, reserved } = bookingGiven;
const command = commandsOf<BookingCommand>();
const spec = decider(bookingDecider);
const created = bookingGiven.created();
const reserve = (paymentId: string, amountMinor: number) =>
  command('ReservePayment', { bookingId, paymentId, amount: cad(amountMinor) });
const apply = (paymentId: string, amountMinor: number, method: 'CARD_ON_FILE' | 'CASH' = 'CARD_ON_FILE') =>
  command('ApplyPayment', { bookingId, paymentId, amount: cad(amountMinor), method });
const refund = (paymentId: string, refundId: string, amountMinor: number) =>
  command('ApplyRefund', { bookingId, paymentId, refundId, amount: cad(amountMinor) });

describe('ReservePayment', () => {
  it('reserves part of the balance before the processor is called', () => {
    spec
      .given([created])
      .when(reserve('p-1', 5_000))
      .then([reserved('p-1', 5_000)]);
  });

  it('reserves the whole remaining balance, and not a cent more', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(reserve('p-2', 15_000))
      .then([reserved('p-2', 15_000)]);
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(reserve('p-2', 15_001))
      .thenRejects('AMOUNT_EXCEEDS_BALANCE', { remainingMinor: 15_000 });
  });

  it('is a no-op when the same payment reserves again, at any later step', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(reserve('p-1', 5_000))
      .then([]);
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(reserve('p-1', 5_000))
      .then([]);
  });

  it('rejects the same payment reserving another amount', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(reserve('p-1', 6_000))
      .thenRejects('ALREADY_EXISTS');
  });

  it('rejects reusing a released payment id', () => {
    spec
      .given([created, reserved('p-1', 5_000), released('p-1')])
      .when(reserve('p-1', 5_000))
      .thenRejects('INVALID_STATE');
  });

  it('rejects a cancelled booking, another currency and a non-positive amount', () => {
    spec.given([created, bookingGiven.cancelled()]).when(reserve('p-1', 100)).thenRejects('INVALID_STATE');
    spec
      .given([created])
      .when(command('ReservePayment', { bookingId, paymentId: 'p-1', amount: { amountMinor: 100, currency: 'USD' } }))
      .thenRejects('CURRENCY_MISMATCH');
    spec.given([created]).when(reserve('p-1', 0)).thenRejects('INVALID_AMOUNT');
  });

  it('rejects an unknown booking', () => {
    spec.given([]).when(reserve('p-1', 100)).thenRejects('NOT_FOUND');
  });
});

describe('ReleasePaymentReservation', () => {
  const release = command('ReleasePaymentReservation', { bookingId, paymentId: 'p-1' });

  it('returns a failed charge or a released hold to the balance', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(release)
      .then([released('p-1')]);
    spec
      .given([created, reserved('p-1', 5_000), authorized('p-1', 5_000)])
      .when(release)
      .then([released('p-1')]);
    spec
      .given([created, reserved('p-1', 20_000), released('p-1')])
      .when(reserve('p-2', 20_000))
      .then([reserved('p-2', 20_000)]);
  });

  it('is a no-op the second time', () => {
    spec
      .given([created, reserved('p-1', 5_000), released('p-1')])
      .when(release)
      .then([]);
  });

  it('rejects releasing money already taken, which needs a refund', () => {
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(release)
      .thenRejects('INVALID_STATE');
  });

  it('rejects an unknown payment', () => {
    spec.given([created]).when(release).thenRejects('NOT_FOUND');
  });
});

describe('ApplyAuthorization', () => {
  const authorize = (amountMinor: number) =>
    command('ApplyAuthorization', { bookingId, paymentId: 'p-1', amount: cad(amountMinor) });

  it('turns the reservation into a hold', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(authorize(5_000))
      .then([authorized('p-1', 5_000)]);
  });

  it('is a no-op once held or captured', () => {
    spec
      .given([created, reserved('p-1', 5_000), authorized('p-1', 5_000)])
      .when(authorize(5_000))
      .then([]);
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(authorize(5_000))
      .then([]);
  });

  it('rejects a hold larger than its reservation', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(authorize(5_001))
      .thenRejects('AMOUNT_EXCEEDS_BALANCE');
  });

  it('rejects a payment that never reserved and one that was released', () => {
    spec.given([created]).when(authorize(5_000)).thenRejects('NOT_FOUND');
    spec
      .given([created, reserved('p-1', 5_000), released('p-1')])
      .when(authorize(5_000))
      .thenRejects('INVALID_STATE');
  });
});

describe('ApplyPayment', () => {
  it('settles the reservation of a card payment', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(apply('p-1', 5_000))
      .then([applied('p-1', 5_000)]);
  });

  it('settles a partial capture and lets the rest of the hold go', () => {
    const given = [created, reserved('p-1', 10_000), authorized('p-1', 10_000)];
    spec
      .given(given)
      .when(apply('p-1', 6_000))
      .then([applied('p-1', 6_000)]);
    const state = stateAfter(bookingDecider, [...given, applied('p-1', 6_000)]) as Booking;
    expect([state.paid, state.authorized, state.remaining]).toStrictEqual([cad(6_000), cad(0), cad(14_000)]);
  });

  it('rejects capturing more than the hold', () => {
    spec
      .given([created, reserved('p-1', 10_000), authorized('p-1', 10_000)])
      .when(apply('p-1', 10_001))
      .thenRejects('AMOUNT_EXCEEDS_AUTHORIZED');
  });

  it('rejects taking more than the reservation', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(apply('p-1', 5_001))
      .thenRejects('AMOUNT_EXCEEDS_BALANCE');
  });

  it('is a no-op when the same payment is applied twice', () => {
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(apply('p-1', 5_000))
      .then([]);
  });

  it('rejects the same payment applied with another amount', () => {
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(apply('p-1', 4_000))
      .thenRejects('ALREADY_EXISTS');
  });

  it('applies an offline payment directly, checked against the balance', () => {
    spec
      .given([created])
      .when(apply('cash-1', 20_000, 'CASH'))
      .then([applied('cash-1', 20_000, 'CASH')]);
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(apply('cash-1', 15_001, 'CASH'))
      .thenRejects('AMOUNT_EXCEEDS_BALANCE');
  });

  it('rejects a card payment that skipped its reservation', () => {
    spec.given([created]).when(apply('p-1', 5_000)).thenRejects('INVALID_STATE');
  });

  it('rejects an offline payment for a cancelled booking', () => {
    spec
      .given([created, bookingGiven.cancelled()])
      .when(apply('cash-1', 100, 'CASH'))
      .thenRejects('INVALID_STATE');
  });

  it('rejects applying a released payment', () => {
    spec
      .given([created, reserved('p-1', 5_000), released('p-1')])
      .when(apply('p-1', 5_000))
      .thenRejects('INVALID_STATE');
  });
});

describe('ApplyRefund', () => {
  const paid = [created, reserved('p-1', 10_000), applied('p-1', 10_000)];

  it('records partial refunds up to what the payment left on the booking, and rejects one more cent', () => {
    spec
      .given(paid)
      .when(refund('p-1', 'r-1', 4_000))
      .then([refundApplied('p-1', 'r-1', 4_000)]);
    const afterTwo = [...paid, refundApplied('p-1', 'r-1', 4_000), refundApplied('p-1', 'r-2', 5_000)];
    spec
      .given(afterTwo)
      .when(refund('p-1', 'r-3', 1_000))
      .then([refundApplied('p-1', 'r-3', 1_000)]);
    spec
      .given([...afterTwo, refundApplied('p-1', 'r-3', 1_000)])
      .when(refund('p-1', 'r-4', 1))
      .thenRejects('AMOUNT_EXCEEDS_REFUNDABLE', { refundableMinor: 0 });
  });

  it('owes the refunded money again', () => {
    const state = stateAfter(bookingDecider, [...paid, refundApplied('p-1', 'r-1', 4_000)]) as Booking;
    expect([state.refunded, state.remaining]).toStrictEqual([cad(4_000), cad(14_000)]);
  });

  it('is a no-op for the same refund twice, and rejects a refund id reused differently', () => {
    const given = [...paid, refundApplied('p-1', 'r-1', 4_000)];
    spec
      .given(given)
      .when(refund('p-1', 'r-1', 4_000))
      .then([]);
    spec
      .given(given)
      .when(refund('p-1', 'r-1', 3_000))
      .thenRejects('ALREADY_EXISTS');
  });

  it('rejects refunding an unknown payment or one that took no money', () => {
    spec
      .given(paid)
      .when(refund('p-9', 'r-1', 100))
      .thenRejects('NOT_FOUND');
    spec
      .given([created, reserved('p-2', 5_000)])
      .when(refund('p-2', 'r-1', 100))
      .thenRejects('INVALID_STATE');
  });

  it('still refunds a cancelled booking', () => {
    spec
      .given([...paid, bookingGiven.cancelled()])
      .when(refund('p-1', 'r-1', 10_000))
      .then([refundApplied('p-1', 'r-1', 10_000)]);
  });
});
