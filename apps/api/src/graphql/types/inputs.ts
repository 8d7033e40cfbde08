/**
 * Mutation inputs, validated with class-validator before any command runs. The domain checks
 * again (it is the authority); these checks give clients every fault at once, with field names.
 * Amounts are bounded by the domain's MAX_AMOUNT_MINOR, so an oversized one is refused here as
 * VALIDATION_FAILED naming `amountMinor` before any command runs.
 */
import { Field, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_AMOUNT_MINOR } from '@ledger/domain';
import { SafeInt } from '../common/scalars.js';
import { BookingPaymentStatus, BookingSource, ChargeTiming, OfflinePaymentMethod, PaymentMethod, PaymentStatus } from './enums.js';

/** Stripe payment-method ids and the sandbox's test tokens: never a card number. */
const PAYMENT_METHOD_TOKEN = /^pm_[A-Za-z0-9_]{1,250}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const ID_TEXT = 128;

const amountField = {
  nullable: true,
  description: 'Minor units (cents); default: the remaining balance.',
};

@InputType()
export class RegisterCustomerInput {
  @Field() @IsString() @Length(1, 200) name!: string;
  @Field() @IsEmail() @MaxLength(320) email!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;
}

@InputType()
export class CreateBookingInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) customerId!: string;
  @Field() @IsString() @Length(1, 500) description!: string;
  @Field(() => SafeInt) @IsInt() @Min(1) @Max(MAX_AMOUNT_MINOR) amountMinor!: number;
  @Field()
  @Matches(/^[A-Z]{3}$/, {
    message: 'currency must be an ISO 4217 code such as CAD',
  })
  currency!: string;
  @Field({ description: 'A date (YYYY-MM-DD) or an ISO 8601 instant.' })
  @IsISO8601({ strict: true })
  serviceDate!: string;
  @Field(() => BookingSource) @IsEnum(BookingSource) source!: BookingSource;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PAYMENT_METHOD_TOKEN, {
    message: 'paymentMethodToken must be a payment-method token (pm_...), never a card number',
  })
  paymentMethodToken?: string;
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  saveCard?: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'A retry with the same key answers with the first booking.',
  })
  @IsOptional()
  @Matches(IDEMPOTENCY_KEY)
  idempotencyKey?: string;
}

@InputType()
export class SaveCardInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) customerId!: string;
  @Field()
  @Matches(PAYMENT_METHOD_TOKEN, {
    message: 'paymentMethodToken must be a payment-method token (pm_...)',
  })
  paymentMethodToken!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(IDEMPOTENCY_KEY)
  idempotencyKey?: string;
}

@InputType()
class CardChoiceInput {
  @Field(() => ID, { nullable: true, description: 'A card on file.' })
  @IsOptional()
  @IsString()
  @Length(1, ID_TEXT)
  cardId?: string;
  @Field(() => String, { nullable: true, description: 'A new card (pm_...).' })
  @IsOptional()
  @Matches(PAYMENT_METHOD_TOKEN, {
    message: 'paymentMethodToken must be a payment-method token (pm_...)',
  })
  paymentMethodToken?: string;
  @Field()
  @Matches(IDEMPOTENCY_KEY, {
    message: 'idempotencyKey must be 1 to 255 printable characters',
  })
  idempotencyKey!: string;
}

@InputType()
export class AuthorizePaymentInput extends CardChoiceInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) bookingId!: string;
  @Field(() => SafeInt, amountField)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
}

@InputType()
export class ChargeBookingInput extends CardChoiceInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) bookingId!: string;
  @Field(() => SafeInt, amountField)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Keep a new card on file; without it the card is charged once and never stored.',
  })
  @IsOptional()
  @IsBoolean()
  saveCard?: boolean;
}

@InputType()
export class ChargeCustomerInput extends CardChoiceInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) customerId!: string;
  @Field(() => [ID], {
    nullable: true,
    description: 'Default: all outstanding bookings, oldest first.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  bookingIds?: string[];
  @Field(() => SafeInt, amountField)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  saveCard?: boolean;
}

@InputType()
export class CapturePaymentInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) paymentId!: string;
  @Field(() => SafeInt, {
    nullable: true,
    description: 'Default: the whole hold.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field() @Matches(IDEMPOTENCY_KEY) idempotencyKey!: string;
}

@InputType()
export class RecordOfflinePaymentInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) bookingId!: string;
  @Field(() => SafeInt, amountField)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field(() => OfflinePaymentMethod)
  @IsEnum(OfflinePaymentMethod)
  method!: OfflinePaymentMethod;
  @Field(() => String, {
    nullable: true,
    description: 'A cheque number, a transfer reference.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
  @Field() @Matches(IDEMPOTENCY_KEY) idempotencyKey!: string;
}

@InputType()
export class RefundPaymentInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) paymentId!: string;
  @Field(() => SafeInt, {
    nullable: true,
    description: 'Default: everything still refundable.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
  @Field() @Matches(IDEMPOTENCY_KEY) idempotencyKey!: string;
}

@InputType()
export class SendPaymentLinkInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) customerId!: string;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  bookingIds?: string[];
  @Field(() => SafeInt, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT_MINOR)
  amountMinor?: number;
  @Field(() => String, {
    nullable: true,
    description: "Default: the customer's address.",
  })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
  @Field(() => Boolean, {
    nullable: true,
    description: 'Answer with the e-mail that would be sent; send and record nothing.',
  })
  @IsOptional()
  @IsBoolean()
  previewOnly?: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'A repeated send (double click) answers with the first link.',
  })
  @IsOptional()
  @Matches(IDEMPOTENCY_KEY)
  idempotencyKey?: string;
}

@InputType()
export class RequestCardInput {
  @Field(() => ID) @IsString() @Length(1, ID_TEXT) customerId!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;
}

@InputType()
export class UpdatePaymentSettingsInput {
  @Field(() => ChargeTiming) @IsEnum(ChargeTiming) chargeTiming!: ChargeTiming;
  @Field() @IsBoolean() notifyAdminsOnLinkPayment!: boolean;
  @Field(() => [OfflinePaymentMethod])
  @IsArray()
  @ArrayUnique()
  @IsEnum(OfflinePaymentMethod, { each: true })
  offlineMethods!: OfflinePaymentMethod[];
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  autoCaptureBeforeExpiry?: boolean;
}

@InputType()
export class ConnectStripeAccountInput {
  @Field()
  @IsUrl({
    require_tld: false,
    require_protocol: true,
    protocols: ['http', 'https'],
  })
  @MaxLength(2000)
  returnUrl!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({
    require_tld: false,
    require_protocol: true,
    protocols: ['http', 'https'],
  })
  @MaxLength(2000)
  refreshUrl?: string;
}

@InputType()
export class BookingFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, ID_TEXT)
  customerId?: string;
  @Field(() => BookingPaymentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(BookingPaymentStatus)
  paymentStatus?: BookingPaymentStatus;
  @Field(() => String, {
    nullable: true,
    description: 'Service date on or after (YYYY-MM-DD).',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  serviceDateFrom?: string;
  @Field(() => String, {
    nullable: true,
    description: 'Service date before (YYYY-MM-DD), exclusive.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  serviceDateTo?: string;
}

@InputType()
export class PaymentFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, ID_TEXT)
  customerId?: string;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, ID_TEXT)
  bookingId?: string;
  @Field(() => PaymentMethod, { nullable: true })
  @IsOptional()
  @IsEnum(PaymentMethod)
  method?: PaymentMethod;
  @Field(() => PaymentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(PaymentStatus)
  status?: PaymentStatus;
  @Field(() => String, {
    nullable: true,
    description: 'Created at or after (ISO 8601).',
  })
  @IsOptional()
  @IsISO8601()
  createdFrom?: string;
  @Field(() => String, {
    nullable: true,
    description: 'Created before (ISO 8601), exclusive.',
  })
  @IsOptional()
  @IsISO8601()
  createdTo?: string;
}
