import { DomainError } from '../shared/domain-error.js';
import { type Decider, unreachable } from '../shared/decider.js';
import { assertPositiveAmount } from '../shared/money.js';
import { requireDistinct, requireEmail, requireInstant, requireList, requireText } from '../shared/validation.js';
import type {
  CancelPaymentLink,
  CreatePaymentLink,
  ExpirePaymentLink,
  PaymentLinkCommand,
  PayPaymentLink,
  RecordPaymentLinkPaid,
} from './payment-link.commands.js';
import type { PaymentLinkEvent } from './payment-link.events.js';
import {
  evolvePaymentLink,
  initialPaymentLinkState,
  type PaymentLink,
  type PaymentLinkState,
} from './payment-link.state.js';

/** A stream holding another id means the caller loaded the wrong stream: to it, ours is unknown. */
function requireLink(state: PaymentLinkState, linkId: string): PaymentLink {
  if (state.status === 'NONE' || state.linkId !== linkId)
    throw new DomainError('NOT_FOUND', 'unknown payment link', { linkId });
  return state;
}

function hasExpired(link: PaymentLink, now: string): boolean {
  return requireInstant(now, 'now') >= requireInstant(link.expiresAt, 'expiresAt');
}

function createPaymentLink(command: CreatePaymentLink, state: PaymentLinkState): PaymentLinkEvent[] {
  const { linkId, customerId, bookingIds, amount, tokenHash, email, expiresAt, chargesEnabled } = command.data;
  if (state.status !== 'NONE') throw new DomainError('ALREADY_EXISTS', 'payment link already exists', { linkId });
  requireText(linkId, 'linkId', 128);
  requireText(customerId, 'customerId', 128);
  requireList(bookingIds, 'bookingIds', 1);
  bookingIds.forEach((bookingId, index) => requireText(bookingId, `bookingIds[${index}]`, 128));
  requireDistinct(bookingIds, 'bookingIds');
  assertPositiveAmount(amount);
  requireText(tokenHash, 'tokenHash', 256);
  requireEmail(email);
  if (requireInstant(expiresAt, 'expiresAt') <= requireInstant(command.context.now, 'now')) {
    throw new DomainError('VALIDATION_FAILED', 'expiresAt must be in the future', { field: 'expiresAt', expiresAt });
  }
  if (chargesEnabled !== true) {
    throw new DomainError('STRIPE_NOT_CONNECTED', 'the business has no processor account able to take card payments');
  }
  return [
    { type: 'PaymentLinkCreated', data: { linkId, customerId, bookingIds, amount, tokenHash, email, expiresAt } },
  ];
}

function payPaymentLink(command: PayPaymentLink, state: PaymentLinkState): PaymentLinkEvent[] {
  const link = requireLink(state, command.data.linkId);
  const paymentId = requireText(command.data.paymentId, 'paymentId', 128);
  // The same attempt submitted twice (a double click, a retried request) started only once.
  if (link.attemptPaymentIds.includes(paymentId)) return [];
  if (link.status === 'PAID' || link.status === 'CANCELLED') {
    throw new DomainError('LINK_NOT_PAYABLE', `the payment link is ${link.status}`, {
      linkId: link.linkId,
      status: link.status,
    });
  }
  if (link.status === 'EXPIRED' || hasExpired(link, command.context.now)) {
    throw new DomainError('LINK_EXPIRED', 'the payment link has expired', {
      linkId: link.linkId,
      expiresAt: link.expiresAt,
    });
  }
  return [{ type: 'PaymentLinkPaymentStarted', data: { linkId: link.linkId, paymentId } }];
}

function recordPaymentLinkPaid(command: RecordPaymentLinkPaid, state: PaymentLinkState): PaymentLinkEvent[] {
  const link = requireLink(state, command.data.linkId);
  const { paymentId } = command.data;
  if (link.paidByPaymentId === paymentId) return [];
  if (link.status === 'PAID') {
    throw new DomainError('LINK_NOT_PAYABLE', 'the payment link was already paid by another payment', {
      linkId: link.linkId,
      paidByPaymentId: link.paidByPaymentId,
    });
  }
  if (!link.attemptPaymentIds.includes(paymentId)) {
    throw new DomainError('INVALID_STATE', 'the payment was not started through this link', {
      linkId: link.linkId,
      paymentId,
    });
  }
  // The attempt began while the link was payable, so the money is accepted even if it expired or was cancelled since.
  return [{ type: 'PaymentLinkPaid', data: { linkId: link.linkId, paymentId } }];
}

function expirePaymentLink(command: ExpirePaymentLink, state: PaymentLinkState): PaymentLinkEvent[] {
  const link = requireLink(state, command.data.linkId);
  // The expiry timer routinely fires after the link was paid or cancelled; that is not an error.
  if (link.status !== 'OPEN') return [];
  if (!hasExpired(link, command.context.now)) {
    throw new DomainError('INVALID_STATE', 'the payment link has not expired yet', {
      linkId: link.linkId,
      expiresAt: link.expiresAt,
    });
  }
  return [{ type: 'PaymentLinkExpired', data: { linkId: link.linkId } }];
}

function cancelPaymentLink(command: CancelPaymentLink, state: PaymentLinkState): PaymentLinkEvent[] {
  const link = requireLink(state, command.data.linkId);
  if (link.status === 'CANCELLED') return [];
  if (link.status !== 'OPEN') {
    throw new DomainError('INVALID_STATE', `a ${link.status} payment link cannot be cancelled`, {
      linkId: link.linkId,
    });
  }
  return [{ type: 'PaymentLinkCancelled', data: { linkId: link.linkId } }];
}

export function decidePaymentLink(command: PaymentLinkCommand, state: PaymentLinkState): PaymentLinkEvent[] {
  switch (command.type) {
    case 'CreatePaymentLink':
      return createPaymentLink(command, state);
    case 'PayPaymentLink':
      return payPaymentLink(command, state);
    case 'RecordPaymentLinkPaid':
      return recordPaymentLinkPaid(command, state);
    case 'ExpirePaymentLink':
      return expirePaymentLink(command, state);
    case 'CancelPaymentLink':
      return cancelPaymentLink(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'payment link command');
    }
  }
}

export const paymentLinkDecider: Decider<PaymentLinkCommand, PaymentLinkEvent, PaymentLinkState> = {
  initialState: initialPaymentLinkState,
  decide: decidePaymentLink,
  evolve: evolvePaymentLink,
};
