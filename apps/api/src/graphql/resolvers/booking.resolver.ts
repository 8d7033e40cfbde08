/** Bookings: created, completed and cancelled by staff; read with their balance and payments. */
import { UseGuards } from '@nestjs/common';
import { Args, Field, ID, Mutation, ObjectType, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@ledger/application';
import { CancelBookingCommand, CompleteBookingCommand, CreateBookingCommand } from '@ledger/application';
import type { CustomerProfileDocument, PaymentHistoryDocument } from '@ledger/projections';
import { CurrentPrincipal, OPERATORS, READERS, Roles, RolesGuard, callerOf } from '../common/auth.js';
import { PageArgs } from '../common/pagination.js';
import { DashboardReads } from '../dashboard-reads.js';
import { bookingOf, customerOf, paymentOf } from '../mappers.js';
import { BookingFilter, CreateBookingInput } from '../types/inputs.js';
import { Booking, BookingConnection, Customer, Payment } from '../types/ledger.types.js';

@ObjectType()
export class CardError {
  @Field({ description: 'CARD_DECLINED or PROCESSOR_REJECTED' }) code!: string;
  @Field() message!: string;
  @Field(() => String, { nullable: true }) declineCode!: string | null;
}

@ObjectType()
export class CreateBookingPayload {
  @Field(() => Booking) booking!: Booking;
  @Field(() => Payment, {
    nullable: true,
    description: 'The charge or hold made at booking, if the charge timing asked for one.',
  })
  payment!: Payment | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The card kept on file, if any.',
  })
  savedCardId!: string | null;
  @Field(() => CardError, {
    nullable: true,
    description: 'Why the card could not be used; the booking stands.',
  })
  cardError!: CardError | null;
}

@Resolver(() => Booking)
@UseGuards(RolesGuard)
export class BookingResolver {
  constructor(
    private readonly bus: CommandBus,
    private readonly reads: DashboardReads,
  ) {}

  @Query(() => Booking, {
    description: 'One booking with its balance; NOT_FOUND if it is not this business’s.',
  })
  @Roles(...READERS)
  async booking(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Booking> {
    return bookingOf(await this.reads.booking(principal.tenant, id));
  }

  @Query(() => BookingConnection, {
    description: 'Bookings by service date, newest first.',
  })
  @Roles(...READERS)
  async bookings(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('filter', { type: () => BookingFilter, nullable: true })
    filter?: BookingFilter,
  ) {
    const range =
      filter?.serviceDateFrom || filter?.serviceDateTo
        ? {
            field: 'serviceDate',
            ...(filter.serviceDateFrom ? { gte: filter.serviceDateFrom } : {}),
            ...(filter.serviceDateTo ? { lt: filter.serviceDateTo } : {}),
          }
        : undefined;
    return this.reads.list('bookings', principal.tenant, {
      where: {
        customerId: filter?.customerId,
        paymentStatus: filter?.paymentStatus,
      },
      ...(range ? { range } : {}),
      orderBy: { field: 'serviceDate', direction: 'desc' },
      ...page,
    }, bookingOf);
  }

  @ResolveField(() => Customer)
  async customer(@CurrentPrincipal() principal: Principal, @Parent() booking: Booking): Promise<Customer> {
    return customerOf(await this.reads.require<CustomerProfileDocument>('customers', principal.tenant, booking.customerId, 'Customer'));
  }

  @ResolveField(() => [Payment], {
    description: 'Every payment that took, held or tried to take money for this booking.',
  })
  async payments(@CurrentPrincipal() principal: Principal, @Parent() booking: Booking): Promise<Payment[]> {
    const ids = [...new Set(booking.paymentShares.map((share) => share.paymentId))];
    return (await this.reads.many<PaymentHistoryDocument>('payments', principal.tenant, ids)).map(paymentOf);
  }

  @Mutation(() => CreateBookingPayload, {
    description: 'A booking; with a card, the charge timing may save it, hold or charge at once.',
  })
  @Roles(...OPERATORS)
  async createBooking(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateBookingInput): Promise<CreateBookingPayload> {
    const result = await this.bus.execute(new CreateBookingCommand(callerOf(principal), input));
    await this.reads.readable({ bookingId: result.bookingId, ...(result.payment ? { paymentId: result.payment.paymentId } : {}) });
    const payment = result.payment ? await this.reads.one<PaymentHistoryDocument>('payments', principal.tenant, result.payment.paymentId) : undefined;
    const failure =
      result.cardFailure ??
      (result.payment?.status === 'FAILED'
        ? {
            code: 'CARD_DECLINED',
            message: 'The card was declined',
            declineCode: result.payment.declineCode,
          }
        : undefined);
    return {
      booking: bookingOf(await this.reads.booking(principal.tenant, result.bookingId)),
      payment: payment ? paymentOf(payment) : null,
      savedCardId: result.savedCardId ?? null,
      cardError: failure
        ? {
            code: failure.code,
            message: failure.message,
            declineCode: failure.declineCode ?? null,
          }
        : null,
    };
  }

  @Mutation(() => Booking, {
    description: 'Service done; with AFTER_SERVICE timing the card on file is charged.',
  })
  @Roles(...OPERATORS)
  async completeBooking(@CurrentPrincipal() principal: Principal, @Args('bookingId', { type: () => ID }) bookingId: string): Promise<Booking> {
    await this.bus.execute(new CompleteBookingCommand(callerOf(principal), { bookingId }));
    return this.fresh(principal, bookingId);
  }

  @Mutation(() => Booking)
  @Roles(...OPERATORS)
  async cancelBooking(
    @CurrentPrincipal() principal: Principal,
    @Args('bookingId', { type: () => ID }) bookingId: string,
    @Args('reason') reason: string,
  ): Promise<Booking> {
    await this.bus.execute(new CancelBookingCommand(callerOf(principal), { bookingId, reason }));
    return this.fresh(principal, bookingId);
  }

  private async fresh(principal: Principal, bookingId: string): Promise<Booking> {
    await this.reads.readable({ bookingId });
    return bookingOf(await this.reads.booking(principal.tenant, bookingId));
  }
}
