/** Read-model documents as the API's types: renaming keys to `id`, nothing computed. */
import type { BookingBalanceDocument, CustomerProfileDocument, PaymentHistoryDocument, PaymentLinkDocument } from '@ledger/projections';
import type { Booking, Customer, Payment, PaymentLink } from './types/ledger.types.js';
import type { BookingPaymentStatus, BookingSource, BookingStatus, CardRequestStatus, PaymentLinkStatus, PaymentMethod, PaymentStatus } from './types/enums.js';

export function bookingOf(doc: BookingBalanceDocument): Booking {
  return {
    id: doc.bookingId,
    customerId: doc.customerId,
    description: doc.description,
    serviceDate: doc.serviceDate,
    source: doc.source as BookingSource,
    status: doc.status as BookingStatus,
    paymentStatus: doc.paymentStatus as BookingPaymentStatus,
    total: doc.total,
    paid: doc.paid,
    authorized: doc.authorized,
    refunded: doc.refunded,
    balance: doc.balance,
    paymentShares: doc.payments.map((entry) => ({
      ...entry,
      method: (entry.method ?? null) as PaymentMethod | null,
    })),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function paymentOf(doc: PaymentHistoryDocument): Payment {
  return {
    id: doc.paymentId,
    customerId: doc.customerId,
    bookingIds: doc.bookingIds,
    allocations: doc.allocations.map((allocation) => ({
      bookingId: allocation.bookingId,
      amount: allocation.amount,
    })),
    method: doc.method as PaymentMethod,
    status: doc.status as PaymentStatus,
    amount: doc.amount,
    authorized: doc.authorized,
    captured: doc.captured,
    refunded: doc.refunded,
    card: doc.card
      ? {
          brand: doc.card.brand,
          last4: doc.card.last4,
          expMonth: doc.card.expMonth,
          expYear: doc.card.expYear,
        }
      : null,
    reference: doc.reference,
    note: doc.note,
    failureCode: doc.failureCode,
    declineCode: doc.declineCode,
    captureBefore: doc.captureBefore,
    refunds: doc.refunds.map((refund) => ({
      id: refund.refundId,
      amount: refund.amount,
      status: refund.status,
    })),
    // Documents written before disputes were recorded lack both fields.
    disputes: (doc.disputes ?? []).map((dispute) => ({ id: dispute.disputeId, amount: dispute.amount, status: dispute.status, reason: dispute.reason ?? null })),
    disputeStatus: doc.disputeStatus ?? null,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

export function customerOf(doc: CustomerProfileDocument): Customer {
  return {
    id: doc.customerId,
    name: doc.name,
    email: doc.email,
    phone: doc.phone,
    cards: doc.cards.map((card) => ({
      id: card.cardId,
      brand: card.brand,
      last4: card.last4,
      expMonth: card.expMonth,
      expYear: card.expYear,
    })),
    cardRequests: doc.cardRequests.map((request) => ({
      id: request.requestId,
      status: request.status as CardRequestStatus,
      email: request.email,
      expiresAt: request.expiresAt,
      url: null,
      cardId: request.cardId,
    })),
    createdAt: doc.createdAt,
  };
}

export function paymentLinkOf(doc: PaymentLinkDocument): PaymentLink {
  return {
    id: doc.linkId,
    url: null,
    status: doc.status as PaymentLinkStatus,
    amount: doc.amount,
    bookingIds: doc.bookingIds,
    email: doc.email,
    expiresAt: doc.expiresAt,
    paymentId: doc.paymentId,
    emailPreview: null,
  };
}
