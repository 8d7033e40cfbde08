/** The API's enums, registered once with the schema; values are the ledger's own words. */
import { registerEnumType } from '@nestjs/graphql';

export enum BookingPaymentStatus {
  UNPAID = 'UNPAID',
  PARTIALLY_PAID = 'PARTIALLY_PAID',
  CHARGED_IN_FULL = 'CHARGED_IN_FULL',
  REFUNDED = 'REFUNDED',
}
export enum BookingStatus {
  OPEN = 'OPEN',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}
export enum BookingSource {
  ONLINE = 'ONLINE',
  PHONE = 'PHONE',
  MANUAL = 'MANUAL',
}
export enum PaymentMethod {
  CARD_ON_FILE = 'CARD_ON_FILE',
  NEW_CARD = 'NEW_CARD',
  ONE_TIME_CARD = 'ONE_TIME_CARD',
  PAYMENT_LINK = 'PAYMENT_LINK',
  CASH = 'CASH',
  CHECK = 'CHECK',
  E_TRANSFER = 'E_TRANSFER',
  OTHER = 'OTHER',
}
export enum OfflinePaymentMethod {
  CASH = 'CASH',
  CHECK = 'CHECK',
  E_TRANSFER = 'E_TRANSFER',
  OTHER = 'OTHER',
}
export enum PaymentStatus {
  PENDING = 'PENDING',
  AUTHORIZED = 'AUTHORIZED',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  RELEASED = 'RELEASED',
  EXPIRED = 'EXPIRED',
  PARTIALLY_REFUNDED = 'PARTIALLY_REFUNDED',
  REFUNDED = 'REFUNDED',
}
export enum ChargeTiming {
  AT_BOOKING = 'AT_BOOKING',
  PRE_AUTHORIZE = 'PRE_AUTHORIZE',
  AFTER_SERVICE = 'AFTER_SERVICE',
  MANUAL = 'MANUAL',
}
export enum StripeAccountState {
  NOT_CONNECTED = 'NOT_CONNECTED',
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
}
export enum PaymentLinkStatus {
  PREVIEW = 'PREVIEW',
  OPEN = 'OPEN',
  PAYING = 'PAYING',
  PAID = 'PAID',
  EXPIRED = 'EXPIRED',
  CANCELLED = 'CANCELLED',
}
export enum CardRequestStatus {
  PENDING = 'PENDING',
  FULFILLED = 'FULFILLED',
  EXPIRED = 'EXPIRED',
}
export enum ReportGrouping {
  DAY = 'DAY',
  METHOD = 'METHOD',
}

registerEnumType(BookingPaymentStatus, {
  name: 'BookingPaymentStatus',
  description: 'How much of a booking has been paid.',
});
registerEnumType(BookingStatus, { name: 'BookingStatus' });
registerEnumType(BookingSource, {
  name: 'BookingSource',
  description: 'Where the booking came from: the online booking page, a phone call, or typed in by staff.',
});
registerEnumType(PaymentMethod, { name: 'PaymentMethod' });
registerEnumType(OfflinePaymentMethod, {
  name: 'OfflinePaymentMethod',
  description: 'Money taken outside the card processor ("Mark as Collected").',
});
registerEnumType(PaymentStatus, { name: 'PaymentStatus' });
registerEnumType(ChargeTiming, {
  name: 'ChargeTiming',
  description: 'When cards given with online bookings are charged.',
});
registerEnumType(StripeAccountState, { name: 'StripeAccountState' });
registerEnumType(PaymentLinkStatus, {
  name: 'PaymentLinkStatus',
  description: 'PREVIEW: nothing was sent or recorded (previewOnly).',
});
registerEnumType(CardRequestStatus, { name: 'CardRequestStatus' });
registerEnumType(ReportGrouping, { name: 'ReportGrouping' });
