import { type Decider, unreachable } from '../shared/decider.js';
import {
  applyAuthorization,
  applyPayment,
  applyRefund,
  releasePaymentReservation,
  reservePayment,
} from './booking-allocations.js';
import { cancelBooking, changeBookingPrice, completeBooking, createBooking } from './booking-lifecycle.js';
import type { BookingCommand } from './booking.commands.js';
import type { BookingEvent } from './booking.events.js';
import { type BookingState, evolveBooking, initialBookingState } from './booking.state.js';

export function decideBooking(command: BookingCommand, state: BookingState): BookingEvent[] {
  switch (command.type) {
    case 'CreateBooking':
      return createBooking(command, state);
    case 'ChangeBookingPrice':
      return changeBookingPrice(command, state);
    case 'CompleteBooking':
      return completeBooking(command, state);
    case 'CancelBooking':
      return cancelBooking(command, state);
    case 'ReservePayment':
      return reservePayment(command, state);
    case 'ReleasePaymentReservation':
      return releasePaymentReservation(command, state);
    case 'ApplyPayment':
      return applyPayment(command, state);
    case 'ApplyAuthorization':
      return applyAuthorization(command, state);
    case 'ApplyRefund':
      return applyRefund(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'booking command');
    }
  }
}

export const bookingDecider: Decider<BookingCommand, BookingEvent, BookingState> = {
  initialState: initialBookingState,
  decide: decideBooking,
  evolve: evolveBooking,
};
