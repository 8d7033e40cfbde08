// Goal: the deciders compose into the product's payment flows the way the application will run
// them: reserve on the booking, record intent, record the processor outcome, apply to the booking.
// Method: an in-memory stream map stands in for the event store; each step folds one stream,
// decides, and appends. Assertions are on the events recorded and on the folded balances.
import {
  type Booking,
  bookingDecider,
  customerDecider,
  type Decider,
  foldEvents,
  paymentDecider,
  paymentLinkDecider,
  streamName,
} from '@ledger/domain';
import { bookingGiven, cad, commandsOf, paymentGiven } from '@ledger/testing';
import type { BookingCommand, CustomerCommand, PaymentCommand, PaymentLinkCommand } from '@ledger/domain';

const booking = commandsOf<BookingCommand>();
const payment = commandsOf<PaymentCommand>();
const customer = commandsOf<CustomerCommand>();
const link = commandsOf<PaymentLinkCommand>();

function ledger() {
  const streams = new Map<string, readonly unknown[]>();
  const run = <C, E, S>(d: Decider<C, E, S>, stream: string, command: C): E[] => {
    const history = (streams.get(stream) ?? []) as E[];
    const events = d.decide(command, foldEvents(d, history));
    streams.set(stream, [...history, ...events]);
    return events;
  };
  const bookingState = (id: string) =>
    foldEvents(bookingDecider, (streams.get(streamName.booking(id)) ?? []) as never[]) as Booking;
  const allEventTypes = () => [...streams.values()].flat().map((event) => (event as { type: string }).type);
  return { run, bookingState, allEventTypes };
}

function bookingOf(l: ReturnType<typeof ledger>, id: string, totalMinor: number): void {
  l.run(bookingDecider, streamName.booking(id), booking('CreateBooking', bookingGiven.created(id, totalMinor).data));
}

describe('payment flows', () => {
  it('charges a one-time card at booking and never saves the card', () => {
    const l = ledger();
    bookingOf(l, 'b-1', 10_000);
    l.run(
      bookingDecider,
      streamName.booking('b-1'),
      booking('ReservePayment', { bookingId: 'b-1', paymentId: 'p-1', amount: cad(10_000) }),
    );
    const intent = { ...paymentGiven.initiated({ method: 'ONE_TIME_CARD' }).data, chargesEnabled: true };
    l.run(paymentDecider, streamName.payment('p-1'), payment('InitiatePayment', intent));
    const outcome = {
      paymentId: 'p-1',
      processorPaymentId: 'pi_1',
      amount: cad(10_000),
      card: paymentGiven.visaDisplay,
    };
    l.run(paymentDecider, streamName.payment('p-1'), payment('RecordCharge', outcome));
    // The webhook reports the same charge after our handler did: nothing new is recorded.
    expect(l.run(paymentDecider, streamName.payment('p-1'), payment('RecordCharge', outcome))).toStrictEqual([]);
    l.run(
      bookingDecider,
      streamName.booking('b-1'),
      booking('ApplyPayment', { bookingId: 'b-1', paymentId: 'p-1', amount: cad(10_000), method: 'ONE_TIME_CARD' }),
    );

    expect(l.allEventTypes()).not.toContain('CardSaved');
    expect([l.bookingState('b-1').paid, l.bookingState('b-1').remaining]).toStrictEqual([cad(10_000), cad(0)]);
  });

  it('pre-authorises, captures part of the hold, refunds part, and keeps the booking balance right', () => {
    const l = ledger();
    bookingOf(l, 'b-1', 20_000);
    const onBooking = (command: BookingCommand) => l.run(bookingDecider, streamName.booking('b-1'), command);
    const onPayment = (command: PaymentCommand) => l.run(paymentDecider, streamName.payment('p-1'), command);
    onBooking(booking('ReservePayment', { bookingId: 'b-1', paymentId: 'p-1', amount: cad(20_000) }));
    onPayment(
      payment('InitiatePayment', {
        ...paymentGiven.initiated({ amountMinor: 20_000, capture: 'MANUAL' }).data,
        chargesEnabled: true,
      }),
    );
    onPayment(
      payment('RecordAuthorization', {
        paymentId: 'p-1',
        processorPaymentId: 'pi_1',
        amount: cad(20_000),
        captureBefore: paymentGiven.captureBefore,
      }),
    );
    onBooking(booking('ApplyAuthorization', { bookingId: 'b-1', paymentId: 'p-1', amount: cad(20_000) }));
    expect([l.bookingState('b-1').authorized, l.bookingState('b-1').remaining]).toStrictEqual([cad(20_000), cad(0)]);

    onPayment(payment('RecordCharge', { paymentId: 'p-1', processorPaymentId: 'pi_1', amount: cad(15_000) }));
    onBooking(
      booking('ApplyPayment', { bookingId: 'b-1', paymentId: 'p-1', amount: cad(15_000), method: 'CARD_ON_FILE' }),
    );
    onPayment(payment('RequestRefund', { paymentId: 'p-1', refundId: 'r-1', amount: cad(5_000) }));
    onPayment(
      payment('RecordRefund', { paymentId: 'p-1', refundId: 'r-1', processorRefundId: 're_1', amount: cad(5_000) }),
    );
    onBooking(booking('ApplyRefund', { bookingId: 'b-1', paymentId: 'p-1', refundId: 'r-1', amount: cad(5_000) }));

    const state = l.bookingState('b-1');
    expect([state.paid, state.refunded, state.authorized, state.remaining]).toStrictEqual([
      cad(15_000),
      cad(5_000),
      cad(0),
      cad(10_000),
    ]);
  });

  it('lets only one of two concurrent charges claim the last of the balance', () => {
    const l = ledger();
    bookingOf(l, 'b-1', 10_000);
    const reserve = (paymentId: string) =>
      booking('ReservePayment', { bookingId: 'b-1', paymentId, amount: cad(10_000) });
    l.run(bookingDecider, streamName.booking('b-1'), reserve('p-1'));
    // The loser retried after its append conflicted on the expected revision, and now sees the reservation.
    expect(() => l.run(bookingDecider, streamName.booking('b-1'), reserve('p-2'))).toThrow(
      expect.objectContaining({ code: 'AMOUNT_EXCEEDS_BALANCE' }),
    );
  });

  it('pays two bookings through one payment link and saves the card the customer chose to keep', () => {
    const l = ledger();
    bookingOf(l, 'b-1', 6_000);
    bookingOf(l, 'b-2', 4_000);
    const linkStream = streamName.paymentLink('l-1');
    const linkData = {
      linkId: 'l-1',
      customerId: 'c-1',
      bookingIds: ['b-1', 'b-2'],
      amount: cad(10_000),
      tokenHash: 'f'.repeat(64),
      email: 'ada@example.com',
      expiresAt: '2025-06-08T12:00:00Z',
    };
    l.run(paymentLinkDecider, linkStream, link('CreatePaymentLink', { ...linkData, chargesEnabled: true }));
    l.run(paymentLinkDecider, linkStream, link('PayPaymentLink', { linkId: 'l-1', paymentId: 'p-1' }));
    const allocations = [
      { bookingId: 'b-1', amount: cad(6_000) },
      { bookingId: 'b-2', amount: cad(4_000) },
    ];
    for (const { bookingId, amount } of allocations) {
      l.run(
        bookingDecider,
        streamName.booking(bookingId),
        booking('ReservePayment', { bookingId, paymentId: 'p-1', amount }),
      );
    }
    const intent = {
      ...paymentGiven.initiated({ method: 'PAYMENT_LINK', saveCard: true }).data,
      allocations,
      chargesEnabled: true,
    };
    l.run(paymentDecider, streamName.payment('p-1'), payment('InitiatePayment', intent));
    l.run(
      paymentDecider,
      streamName.payment('p-1'),
      payment('RecordCharge', { paymentId: 'p-1', processorPaymentId: 'pi_1', amount: cad(10_000) }),
    );
    for (const { bookingId, amount } of allocations) {
      l.run(
        bookingDecider,
        streamName.booking(bookingId),
        booking('ApplyPayment', { bookingId, paymentId: 'p-1', amount, method: 'PAYMENT_LINK' }),
      );
    }
    l.run(paymentLinkDecider, linkStream, link('RecordPaymentLinkPaid', { linkId: 'l-1', paymentId: 'p-1' }));
    l.run(
      customerDecider,
      streamName.customer('c-1'),
      customer('RegisterCustomer', { customerId: 'c-1', name: 'Ada', email: 'ada@example.com' }),
    );
    const card = {
      customerId: 'c-1',
      cardId: 'card-1',
      processorCustomerId: 'cus_1',
      processorPaymentMethodId: 'pm_1',
      ...paymentGiven.visaDisplay,
    };
    l.run(customerDecider, streamName.customer('c-1'), customer('SaveCard', card));

    expect([l.bookingState('b-1').remaining, l.bookingState('b-2').remaining]).toStrictEqual([cad(0), cad(0)]);
    expect(l.allEventTypes().filter((type) => type === 'PaymentLinkPaid' || type === 'CardSaved')).toStrictEqual([
      'PaymentLinkPaid',
      'CardSaved',
    ]);
  });
});
