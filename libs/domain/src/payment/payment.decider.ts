import { type Decider, unreachable } from '../shared/decider.js';
import { initiatePayment, recordOfflinePayment } from './payment-initiation.js';
import {
  expireAuthorization,
  recordAuthorization,
  recordAuthorizationRelease,
  recordCharge,
  recordChargeFailure,
} from './payment-outcomes.js';
import { recordDisputeClosed, recordDisputeOpened } from './payment-disputes.js';
import { recordRefund, recordRefundFailure, requestRefund } from './payment-refunds.js';
import type { PaymentCommand } from './payment.commands.js';
import type { PaymentEvent } from './payment.events.js';
import { evolvePayment, initialPaymentState, type PaymentState } from './payment.state.js';

export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'InitiatePayment':
      return initiatePayment(command, state);
    case 'RecordAuthorization':
      return recordAuthorization(command, state);
    case 'RecordCharge':
      return recordCharge(command, state);
    case 'RecordChargeFailure':
      return recordChargeFailure(command, state);
    case 'RecordAuthorizationRelease':
      return recordAuthorizationRelease(command, state);
    case 'ExpireAuthorization':
      return expireAuthorization(command, state);
    case 'RecordOfflinePayment':
      return recordOfflinePayment(command, state);
    case 'RequestRefund':
      return requestRefund(command, state);
    case 'RecordRefund':
      return recordRefund(command, state);
    case 'RecordRefundFailure':
      return recordRefundFailure(command, state);
    case 'RecordDisputeOpened':
      return recordDisputeOpened(command, state);
    case 'RecordDisputeClosed':
      return recordDisputeClosed(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'payment command');
    }
  }
}

export const paymentDecider: Decider<PaymentCommand, PaymentEvent, PaymentState> = {
  initialState: initialPaymentState,
  decide: decidePayment,
  evolve: evolvePayment,
};
