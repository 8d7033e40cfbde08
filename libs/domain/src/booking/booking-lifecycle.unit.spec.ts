// Goal: a booking's life (create, reprice, complete, cancel) never contradicts the money on it.
// Method: given/when/then on the booking decider; assert the events or the rejection code.
import { type Booking, type BookingCommand, bookingDecider } from '@ledger/domain';
import { bookingGiven, cad, commandsOf, decider, stateAfter } from '@ledger/testing';

const { applied, authorized, bookingId, refundApplied, reserved } = bookingGiven;
const command = commandsOf<BookingCommand>();
const spec = decider(bookingDecider);
const created = bookingGiven.created();
const cancelled = bookingGiven.cancelled();
const completed = bookingGiven.completed();

describe('CreateBooking', () => {
  it('records the booking', () => {
    spec.given([]).when(command('CreateBooking', created.data)).then([created]);
  });

  it('rejects a second creation', () => {
    spec.given([created]).when(command('CreateBooking', created.data)).thenRejects('ALREADY_EXISTS');
  });

  it.each([0, -500, 99.5])('rejects a total of %p minor units', (amountMinor) => {
    spec
      .given([])
      .when(command('CreateBooking', { ...created.data, total: { amountMinor, currency: 'CAD' } }))
      .thenRejects('INVALID_AMOUNT');
  });

  it.each([
    ['source', { source: 'WALK_IN' }],
    ['serviceDate', { serviceDate: '2025-02-30' }],
    ['description', { description: '' }],
  ])('rejects an invalid %s', (field, change) => {
    spec
      .given([])
      .when(command('CreateBooking', { ...created.data, ...change } as never))
      .thenRejects('VALIDATION_FAILED', { field });
  });
});

describe('ChangeBookingPrice', () => {
  const reprice = (amountMinor: number) => command('ChangeBookingPrice', { bookingId, total: cad(amountMinor) });

  it('records the previous and the new total', () => {
    spec
      .given([created])
      .when(reprice(25_000))
      .then([{ type: 'BookingPriceChanged', data: { bookingId, previousTotal: cad(20_000), total: cad(25_000) } }]);
  });

  it('is a no-op for the same total', () => {
    spec.given([created]).when(reprice(20_000)).then([]);
  });

  it('rejects a total below what is already paid', () => {
    spec
      .given([created, reserved('p-1', 15_000), applied('p-1', 15_000)])
      .when(reprice(14_999))
      .thenRejects('AMOUNT_EXCEEDS_BALANCE', { committedMinor: 15_000 });
  });

  it('counts reserved and held money as committed, and refunded money as owed again', () => {
    const given = [created, reserved('p-1', 10_000), applied('p-1', 10_000), refundApplied('p-1', 'r-1', 4_000)];
    const committed = [...given, reserved('p-2', 3_000), reserved('p-3', 2_000), authorized('p-3', 2_000)];
    spec.given(committed).when(reprice(10_999)).thenRejects('AMOUNT_EXCEEDS_BALANCE', { committedMinor: 11_000 });
    spec
      .given(committed)
      .when(reprice(11_000))
      .then([{ type: 'BookingPriceChanged', data: { bookingId, previousTotal: cad(20_000), total: cad(11_000) } }]);
  });

  it('rejects another currency', () => {
    spec
      .given([created])
      .when(command('ChangeBookingPrice', { bookingId, total: { amountMinor: 100, currency: 'USD' } }))
      .thenRejects('CURRENCY_MISMATCH');
  });

  it('rejects a cancelled booking and an unknown one', () => {
    spec.given([created, cancelled]).when(reprice(100)).thenRejects('INVALID_STATE');
    spec.given([]).when(reprice(100)).thenRejects('NOT_FOUND');
  });
});

describe('CompleteBooking', () => {
  const complete = command('CompleteBooking', { bookingId });

  it('records the completion once', () => {
    spec.given([created]).when(complete).then([completed]);
    spec.given([created, completed]).when(complete).then([]);
  });

  it('rejects a cancelled booking', () => {
    spec.given([created, cancelled]).when(complete).thenRejects('INVALID_STATE');
  });
});

describe('CancelBooking', () => {
  const cancel = command('CancelBooking', { bookingId, reason: 'Customer moved' });

  it('records the cancellation once', () => {
    spec.given([created]).when(cancel).then([cancelled]);
    spec.given([created, cancelled]).when(cancel).then([]);
  });

  it('rejects a completed booking', () => {
    spec.given([created, completed]).when(cancel).thenRejects('INVALID_STATE');
  });

  it('rejects while a charge is in flight or a hold is live', () => {
    spec
      .given([created, reserved('p-1', 5_000)])
      .when(cancel)
      .thenRejects('INVALID_STATE', { paymentIds: ['p-1'] });
    spec
      .given([created, reserved('p-2', 5_000), authorized('p-2', 5_000)])
      .when(cancel)
      .thenRejects('INVALID_STATE', { paymentIds: ['p-2'] });
  });

  it('allows cancelling after money was taken, which refunds return separately', () => {
    spec
      .given([created, reserved('p-1', 5_000), applied('p-1', 5_000)])
      .when(cancel)
      .then([cancelled]);
  });
});

describe('booking balances', () => {
  it('derive remaining = total - (paid - refunded) - reserved - authorized', () => {
    const state = stateAfter(bookingDecider, [
      created,
      reserved('p-1', 8_000),
      applied('p-1', 8_000),
      refundApplied('p-1', 'r-1', 1_000),
      reserved('p-2', 3_000),
      reserved('p-3', 4_000),
      authorized('p-3', 4_000),
    ]) as Booking;
    expect({
      total: state.total,
      paid: state.paid,
      refunded: state.refunded,
      reserved: state.reserved,
      authorized: state.authorized,
      remaining: state.remaining,
    }).toStrictEqual({
      total: cad(20_000),
      paid: cad(8_000),
      refunded: cad(1_000),
      reserved: cad(3_000),
      authorized: cad(4_000),
      remaining: cad(6_000),
    });
  });
});
