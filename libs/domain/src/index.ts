// The public API of the pure domain: deciders, their commands and events, money and errors.
// Everything else under src/ is internal and may be reorganised freely.

export { DomainError, domainErrorCodes, isDomainError } from './shared/domain-error.js';
export type { DomainErrorCode, DomainErrorDetails } from './shared/domain-error.js';
export {
  addMoney,
  assertCurrencyCode,
  assertPositiveAmount,
  assertSameCurrency,
  compareMoney,
  formatMoney,
  isCurrencyCode,
  MAX_AMOUNT_MINOR,
  money,
  moneyEquals,
  safeMinor,
  subtractMoney,
  sumMinorExact,
  sumMoney,
  zeroMoney,
} from './shared/money.js';
export type { Money } from './shared/money.js';
export { requireCalendarDay } from './shared/validation.js';
export { eventMetadataFor, formatActor, parseActor } from './shared/event-metadata.js';
export type { Actor, ActorKind, CommandContext, EventMetadata } from './shared/event-metadata.js';
export { foldEvents } from './shared/decider.js';
export type { Command, Decider, Event } from './shared/decider.js';
export { parseStreamName, streamCategories, streamName } from './shared/stream-name.js';
export type { StreamCategory } from './shared/stream-name.js';
export { cardPaymentMethods, isOfflinePaymentMethod, offlinePaymentMethods } from './shared/payment-method.js';
export type { CardDisplay, CardPaymentMethod, OfflinePaymentMethod, PaymentMethod } from './shared/payment-method.js';

export { tenantDecider, decideTenant } from './tenant/tenant.decider.js';
export {
  defaultPaymentSettings,
  evolveTenant,
  initialTenantState,
  stripeChargesEnabled,
} from './tenant/tenant.state.js';
export type { StripeConnection, Tenant, TenantState } from './tenant/tenant.state.js';
export { chargeTimings } from './tenant/tenant.events.js';
export type * from './tenant/tenant.events.js';
export type * from './tenant/tenant.commands.js';

export { customerDecider, decideCustomer } from './customer/customer.decider.js';
export { activeCards, evolveCustomer, initialCustomerState } from './customer/customer.state.js';
export type { CardOnFile, CardRequest, CardRequestStatus, Customer, CustomerState } from './customer/customer.state.js';
export type * from './customer/customer.events.js';
export type * from './customer/customer.commands.js';

export { bookingDecider, decideBooking } from './booking/booking.decider.js';
export { evolveBooking, initialBookingState } from './booking/booking.state.js';
export type { Booking, BookingPayment, BookingRefund, BookingState, BookingStatus } from './booking/booking.state.js';
export { bookingSources } from './booking/booking.events.js';
export type * from './booking/booking.events.js';
export type * from './booking/booking.commands.js';

export { paymentDecider, decidePayment } from './payment/payment.decider.js';
export { capturableAmount, evolvePayment, initialPaymentState, refundableAmount } from './payment/payment.state.js';
export type { Payment, PaymentDispute, PaymentRefund, PaymentState, PaymentStatus } from './payment/payment.state.js';
export { allocateInOrder } from './payment/payment-allocations.js';
export { captureModes, disputeOutcomes } from './payment/payment.events.js';
export type * from './payment/payment.events.js';
export type * from './payment/payment.commands.js';

export { paymentLinkDecider, decidePaymentLink } from './payment-link/payment-link.decider.js';
export { evolvePaymentLink, initialPaymentLinkState } from './payment-link/payment-link.state.js';
export type { PaymentLink, PaymentLinkState, PaymentLinkStatus } from './payment-link/payment-link.state.js';
export type * from './payment-link/payment-link.events.js';
export type * from './payment-link/payment-link.commands.js';
export * from './notification/index.js';

export { apiKeyDecider, apiKeyRoles, apiKeyStreamName, decideApiKey, evolveApiKey, initialApiKeyState } from './api-key/api-key.decider.js';
export type { ApiKey, ApiKeyCommand, ApiKeyEvent, ApiKeyRole, ApiKeyState } from './api-key/api-key.decider.js';
