// Goal: no amount a command moves or records exceeds MAX_AMOUNT_MINOR, on every path into the
// domain (bookings, charges, holds, captures, refunds, offline payments, links), and totals that
// have no bound are summed exactly and refused, never rounded, when they leave the safe range.
// Method: the money helpers called directly, and given/when/then on the deciders with amounts at,
// just above and far above the maximum (the hostile probe used Number.MAX_SAFE_INTEGER).
import {
  assertPositiveAmount,
  type BookingCommand,
  bookingDecider,
  DomainError,
  MAX_AMOUNT_MINOR,
  type PaymentCommand,
  type PaymentLinkCommand,
  paymentDecider,
  paymentLinkDecider,
  safeMinor,
  sumMinorExact,
} from '@ledger/domain';
import { bookingGiven, cad, commandsOf, decider, paymentGiven } from '@ledger/testing';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const tooLarge = [MAX_AMOUNT_MINOR + 1, MAX_SAFE];

function errorOf(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('MAX_AMOUNT_MINOR', () => {
  it('is 10^12 minor units, so 9,007 maximal amounts still sum within 2^53-1', () => {
    expect(MAX_AMOUNT_MINOR).toBe(1_000_000_000_000);
    expect(9_007 * MAX_AMOUNT_MINOR).toBeLessThanOrEqual(MAX_SAFE);
    expect(9_008 * MAX_AMOUNT_MINOR).toBeGreaterThan(MAX_SAFE);
  });

  it('accepts an amount at the maximum', () => {
    expect(() => assertPositiveAmount(cad(MAX_AMOUNT_MINOR), 'total')).not.toThrow();
  });

  it.each(tooLarge)('refuses %p as INVALID_AMOUNT, naming the field and the maximum', (amountMinor) => {
    const error = errorOf(() => assertPositiveAmount(cad(amountMinor), 'total'));
    expect(error.code).toBe('INVALID_AMOUNT');
    expect(error.message).toBe('total.amountMinor must be at most 1000000000000 minor units');
    expect(error.details).toMatchObject({ field: 'total', amountMinor, maxMinor: MAX_AMOUNT_MINOR });
  });
});

describe('every decider that takes an amount refuses one above the maximum', () => {
  const booking = commandsOf<BookingCommand>();
  const payment = commandsOf<PaymentCommand>();
  const bookings = decider(bookingDecider);
  const payments = decider(paymentDecider);
  const { bookingId } = bookingGiven;
  const { paymentId } = paymentGiven;

  it.each(tooLarge)('a booking total or a new price of %p', (amountMinor) => {
    const created = bookingGiven.created();
    bookings.given([]).when(booking('CreateBooking', { ...created.data, total: cad(amountMinor) })).thenRejects('INVALID_AMOUNT', { field: 'total' });
    bookings.given([created]).when(booking('ChangeBookingPrice', { bookingId, total: cad(amountMinor) })).thenRejects('INVALID_AMOUNT', { field: 'total' });
  });

  it.each(tooLarge)('a card payment, a hold, a capture or a refund of %p', (amountMinor) => {
    const initiated = paymentGiven.initiated();
    const allocations = [{ bookingId: 'b-1', amount: cad(amountMinor) }];
    payments
      .given([])
      .when(payment('InitiatePayment', { ...initiated.data, allocations, amount: cad(amountMinor), chargesEnabled: true }))
      .thenRejects('INVALID_AMOUNT', { maxMinor: MAX_AMOUNT_MINOR });
    const held = [paymentGiven.initiated({ capture: 'MANUAL' }), paymentGiven.authorized()];
    payments.given(held).when(payment('RecordCharge', { paymentId, processorPaymentId: 'pi_1', amount: cad(amountMinor) })).thenRejects('INVALID_AMOUNT');
    payments.given([initiated]).when(payment('RecordAuthorization', { paymentId, processorPaymentId: 'pi_1', amount: cad(amountMinor), captureBefore: '2025-06-08T12:00:00.000Z' })).thenRejects('INVALID_AMOUNT');
    const taken = [initiated, paymentGiven.charged()];
    payments.given(taken).when(payment('RequestRefund', { paymentId, refundId: 'r-1', amount: cad(amountMinor) })).thenRejects('INVALID_AMOUNT');
    payments.given(taken).when(payment('RecordRefund', { paymentId, refundId: 'r-1', processorRefundId: 're_1', amount: cad(amountMinor) })).thenRejects('INVALID_AMOUNT');
  });

  it.each(tooLarge)('an offline payment of %p', (amountMinor) => {
    const collected = paymentGiven.cashCollected();
    const allocations = [{ bookingId: 'b-1', amount: cad(amountMinor) }];
    payments
      .given([])
      .when(payment('RecordOfflinePayment', { ...collected.data, allocations, amount: cad(amountMinor), enabledMethods: ['CASH'] }))
      .thenRejects('INVALID_AMOUNT');
  });

  it.each(tooLarge)('a booking share of %p reserved or applied', (amountMinor) => {
    const created = bookingGiven.created(bookingId, MAX_AMOUNT_MINOR);
    bookings.given([created]).when(booking('ReservePayment', { bookingId, paymentId, amount: cad(amountMinor) })).thenRejects('INVALID_AMOUNT');
    bookings.given([created]).when(booking('ApplyPayment', { bookingId, paymentId, amount: cad(amountMinor), method: 'CASH' })).thenRejects('INVALID_AMOUNT');
  });

  it.each(tooLarge)('a payment link for %p', (amountMinor) => {
    const link = commandsOf<PaymentLinkCommand>();
    decider(paymentLinkDecider)
      .given([])
      .when(
        link('CreatePaymentLink', {
          linkId: 'l-1',
          customerId: 'c-1',
          bookingIds: ['b-1'],
          amount: cad(amountMinor),
          tokenHash: 'f'.repeat(64),
          email: 'ada@example.com',
          expiresAt: '2025-06-08T12:00:00.000Z',
          chargesEnabled: true,
        }),
      )
      .thenRejects('INVALID_AMOUNT');
  });
});

describe('totals beyond one amount', () => {
  it('sums exactly past 2^53, where numbers round', () => {
    expect(MAX_SAFE + 2).toBe(9007199254740992); // a number silently loses the last cent
    expect(sumMinorExact([MAX_SAFE, 2])).toBe(9007199254740993n);
    expect(sumMinorExact([])).toBe(0n);
  });

  it('answers a total as a number only while it is exact, and refuses it by name beyond', () => {
    expect(safeMinor(BigInt(MAX_SAFE), 'balance')).toBe(MAX_SAFE);
    expect(safeMinor(-BigInt(MAX_SAFE), 'net')).toBe(-MAX_SAFE);
    const error = errorOf(() => safeMinor(BigInt(MAX_SAFE) + 1n, 'balance'));
    expect(error.code).toBe('AMOUNT_OUT_OF_RANGE');
    expect(error.message).toMatch(/^balance is 9007199254740992 minor units/);
    expect(error.details).toEqual({ field: 'balance', totalMinor: '9007199254740992' });
  });

  it('refuses a booking claim that would take its payments past 2^53-1 (about 9,007 cycles of maximal amounts)', () => {
    const { bookingId, applied, refundApplied, reserved } = bookingGiven;
    // A legacy booking, paid and refunded in full before the maximum existed, has taken nearly 2^53.
    const legacyMinor = MAX_SAFE - 5;
    const legacy = [bookingGiven.created(bookingId, legacyMinor), applied('p-1', legacyMinor, 'CASH'), refundApplied('p-1', 'r-1', legacyMinor)];
    const reserve = (amountMinor: number) => commandsOf<BookingCommand>()('ReservePayment', { bookingId, paymentId: 'p-2', amount: cad(amountMinor) });
    decider(bookingDecider).given(legacy).when(reserve(5)).then([reserved('p-2', 5)]);
    decider(bookingDecider).given(legacy).when(reserve(6)).thenRejects('AMOUNT_OUT_OF_RANGE', { bookingId, paidMinor: legacyMinor });
  });
});
