/**
 * The dashboard's object types. Nested lists (a booking's payments, a customer's bookings) are
 * resolved from the read models by the resolvers, so each type here is only what one document
 * holds.
 */
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Money, SafeInt } from '../common/scalars.js';
import { Connection } from '../common/pagination.js';
import {
  BookingPaymentStatus,
  BookingSource,
  BookingStatus,
  CardRequestStatus,
  ChargeTiming,
  OfflinePaymentMethod,
  PaymentLinkStatus,
  PaymentMethod,
  PaymentStatus,
  StripeAccountState,
} from './enums.js';

@ObjectType({ description: 'A card as shown to people: never its number.' })
export class CardSummary {
  @Field() brand!: string;
  @Field() last4!: string;
  @Field(() => Int) expMonth!: number;
  @Field(() => Int) expYear!: number;
}

@ObjectType({ description: 'A card on file.' })
export class Card extends CardSummary {
  @Field(() => ID) id!: string;
}

@ObjectType()
export class Refund {
  @Field(() => ID) id!: string;
  @Field(() => Money) amount!: Money;
  @Field({ description: 'REQUESTED, REFUNDED or FAILED' }) status!: string;
}

@ObjectType({ description: 'A chargeback the cardholder opened with their bank.' })
export class Dispute {
  @Field(() => ID) id!: string;
  @Field(() => Money) amount!: Money;
  @Field({ description: 'OPEN, WON or LOST' }) status!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ description: "A payment's share of one booking." })
export class Allocation {
  @Field(() => ID) bookingId!: string;
  @Field(() => Money) amount!: Money;
}

@ObjectType()
export class Payment {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field(() => [ID]) bookingIds!: string[];
  @Field(() => [Allocation]) allocations!: Allocation[];
  @Field(() => PaymentMethod) method!: PaymentMethod;
  @Field(() => PaymentStatus) status!: PaymentStatus;
  @Field(() => Money, { description: 'What was asked for.' }) amount!: Money;
  @Field(() => Money) authorized!: Money;
  @Field(() => Money) captured!: Money;
  @Field(() => Money) refunded!: Money;
  @Field(() => CardSummary, { nullable: true }) card!: CardSummary | null;
  @Field(() => String, { nullable: true }) reference!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => String, { nullable: true }) failureCode!: string | null;
  @Field(() => String, { nullable: true }) declineCode!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'When an authorisation (hold) lapses.',
  })
  captureBefore!: string | null;
  @Field(() => [Refund]) refunds!: Refund[];
  @Field(() => [Dispute]) disputes!: Dispute[];
  @Field(() => String, { nullable: true, description: 'The latest dispute: OPEN, WON or LOST; null if never disputed.' }) disputeStatus!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ description: "A payment's share of this booking." })
export class BookingPayment {
  @Field(() => ID) paymentId!: string;
  @Field({ description: 'RESERVED, AUTHORIZED, APPLIED or RELEASED' })
  status!: string;
  @Field(() => Money) amount!: Money;
  @Field(() => Money) refunded!: Money;
  @Field(() => PaymentMethod, { nullable: true }) method!: PaymentMethod | null;
}

@ObjectType()
export class Booking {
  @Field(() => ID) id!: string;
  @Field(() => ID) customerId!: string;
  @Field() description!: string;
  @Field() serviceDate!: string;
  @Field(() => BookingSource) source!: BookingSource;
  @Field(() => BookingStatus) status!: BookingStatus;
  @Field(() => BookingPaymentStatus) paymentStatus!: BookingPaymentStatus;
  @Field(() => Money) total!: Money;
  @Field(() => Money) paid!: Money;
  @Field(() => Money, {
    description: 'Held by pre-authorisations not yet captured.',
  })
  authorized!: Money;
  @Field(() => Money) refunded!: Money;
  @Field(() => Money, { description: 'What is still owed.' }) balance!: Money;
  @Field(() => [BookingPayment], {
    description: "Each payment's share; the full payments are in `payments`.",
  })
  paymentShares!: BookingPayment[];
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType()
export class CardRequest {
  @Field(() => ID) id!: string;
  @Field(() => CardRequestStatus) status!: CardRequestStatus;
  @Field() email!: string;
  @Field() expiresAt!: string;
  @Field(() => String, {
    nullable: true,
    description: 'The add-card URL: only in the answer to requestCard.',
  })
  url!: string | null;
  @Field(() => ID, { nullable: true }) cardId!: string | null;
}

@ObjectType()
export class Customer {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() email!: string;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => [Card]) cards!: Card[];
  @Field(() => [CardRequest]) cardRequests!: CardRequest[];
  @Field() createdAt!: string;
}

@ObjectType()
export class EmailPreview {
  @Field() to!: string;
  @Field() subject!: string;
  @Field() html!: string;
  @Field() text!: string;
}

@ObjectType()
export class PaymentLink {
  @Field(() => ID, { nullable: true, description: 'Absent for a preview.' })
  id!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The secure pay URL: only in the answer that created the link.',
  })
  url!: string | null;
  @Field(() => PaymentLinkStatus) status!: PaymentLinkStatus;
  @Field(() => Money) amount!: Money;
  @Field(() => [ID]) bookingIds!: string[];
  @Field() email!: string;
  @Field() expiresAt!: string;
  @Field(() => ID, { nullable: true }) paymentId!: string | null;
  @Field(() => EmailPreview, { nullable: true })
  emailPreview!: EmailPreview | null;
}

@ObjectType()
export class PaymentSettings {
  @Field(() => ChargeTiming) chargeTiming!: ChargeTiming;
  @Field() notifyAdminsOnLinkPayment!: boolean;
  @Field(() => [OfflinePaymentMethod]) offlineMethods!: OfflinePaymentMethod[];
  @Field({
    description: 'Capture an authorisation automatically before it lapses.',
  })
  autoCaptureBeforeExpiry!: boolean;
  @Field(() => StripeAccountState) stripeAccountState!: StripeAccountState;
  @Field(() => String, {
    nullable: true,
    description: 'The connected Stripe account (ADMIN and AUDITOR keys only).',
  })
  stripeAccountId!: string | null;
  @Field() chargesEnabled!: boolean;
  @Field() currency!: string;
  @Field() timeZone!: string;
  @Field() businessName!: string;
}

@ObjectType()
export class StripeConnectOnboarding {
  @Field() onboardingUrl!: string;
  @Field(() => StripeAccountState) state!: StripeAccountState;
}

@ObjectType()
export class CollectionsRow {
  @Field(() => String, {
    nullable: true,
    description: 'yyyy-mm-dd in the business time zone, when grouped by DAY.',
  })
  day!: string | null;
  @Field(() => PaymentMethod, {
    nullable: true,
    description: 'When grouped by METHOD.',
  })
  method!: PaymentMethod | null;
  @Field(() => Int) count!: number;
  @Field(() => Money) collected!: Money;
  @Field(() => Money) refunded!: Money;
  @Field(() => Money) net!: Money;
}

@ObjectType()
export class CollectionsReport {
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => [CollectionsRow]) rows!: CollectionsRow[];
  @Field(() => CollectionsRow) totals!: CollectionsRow;
}

@ObjectType()
export class AgeingBuckets {
  @Field(() => SafeInt) current!: number;
  @Field(() => SafeInt) days1to30!: number;
  @Field(() => SafeInt) days31to60!: number;
  @Field(() => SafeInt) days61to90!: number;
  @Field(() => SafeInt) over90!: number;
  @Field(() => SafeInt) outstandingMinor!: number;
}

@ObjectType()
export class ReceivablesRow {
  @Field(() => ID) customerId!: string;
  @Field(() => String, { nullable: true }) customerName!: string | null;
  @Field() currency!: string;
  @Field(() => Money) outstanding!: Money;
  @Field(() => AgeingBuckets, {
    description: 'Minor units owed by days past the service date.',
  })
  buckets!: AgeingBuckets;
}

@ObjectType()
export class Receivables {
  @Field() asOf!: string;
  @Field() currency!: string;
  @Field(() => [ReceivablesRow]) rows!: ReceivablesRow[];
  @Field(() => AgeingBuckets) totals!: AgeingBuckets;
}

@ObjectType({ description: 'One event of the log as recorded.' })
export class AuditEvent {
  @Field({ description: 'Opaque, ordered position in the global log.' })
  position!: string;
  @Field() stream!: string;
  @Field(() => Int) revision!: number;
  @Field(() => ID) eventId!: string;
  @Field() type!: string;
  @Field() recordedAt!: string;
  @Field({ description: 'The event data as JSON.' }) data!: string;
  @Field({
    description: 'The event metadata as JSON (actor, correlation, tenant, time); the hash chain is checked by `ledger audit verify`.',
  })
  metadata!: string;
  @Field(() => [String], { description: 'Fields left out of data and metadata as secret material, e.g. data.secretHash.' })
  redacted!: string[];
}

@ObjectType()
export class AuditTrail {
  @Field(() => [AuditEvent]) events!: AuditEvent[];
  @Field(() => String, {
    nullable: true,
    description: 'Pass as afterPosition for the next page.',
  })
  endPosition!: string | null;
  @Field() hasMore!: boolean;
}

@ObjectType()
export class RemovedCard {
  @Field(() => ID) cardId!: string;
}

export const BookingConnection = Connection(Booking, 'Booking');
export const PaymentConnection = Connection(Payment, 'Payment');
export const CustomerConnection = Connection(Customer, 'Customer');
