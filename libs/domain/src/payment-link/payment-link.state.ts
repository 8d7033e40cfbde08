import { invariant, unreachable } from '../shared/decider.js';
import type { Money } from '../shared/money.js';
import type { PaymentLinkEvent } from './payment-link.events.js';

export type PaymentLinkStatus = 'OPEN' | 'PAID' | 'EXPIRED' | 'CANCELLED';

export type PaymentLink = Readonly<{
  status: PaymentLinkStatus;
  linkId: string;
  customerId: string;
  bookingIds: readonly string[];
  amount: Money;
  tokenHash: string;
  email: string;
  expiresAt: string;
  /** Payments started through the link; an attempt whose card was declined may be followed by another. */
  attemptPaymentIds: readonly string[];
  paidByPaymentId: string | null;
}>;

export type PaymentLinkState = Readonly<{ status: 'NONE' }> | PaymentLink;

export const initialPaymentLinkState: PaymentLinkState = { status: 'NONE' };

export function evolvePaymentLink(state: PaymentLinkState, event: PaymentLinkEvent): PaymentLinkState {
  if (event.type === 'PaymentLinkCreated') {
    invariant(state.status === 'NONE', 'a payment link is created once');
    return { status: 'OPEN', ...event.data, attemptPaymentIds: [], paidByPaymentId: null };
  }
  invariant(state.status !== 'NONE', `${event.type} before PaymentLinkCreated`);
  switch (event.type) {
    case 'PaymentLinkPaymentStarted':
      return { ...state, attemptPaymentIds: [...state.attemptPaymentIds, event.data.paymentId] };
    case 'PaymentLinkPaid':
      return { ...state, status: 'PAID', paidByPaymentId: event.data.paymentId };
    case 'PaymentLinkExpired':
      return { ...state, status: 'EXPIRED' };
    case 'PaymentLinkCancelled':
      return { ...state, status: 'CANCELLED' };
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'payment link event');
    }
  }
}
