/**
 * Money mutations and the payment history. Every money-moving mutation takes an idempotency key:
 * the same key with the same input answers with the first result, with other input it fails
 * with IDEMPOTENCY_KEY_REUSED. Answers come from the read models once they include the write.
 */
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@ledger/application';
import {
  AuthorizePaymentCommand,
  CapturePaymentCommand,
  ChargeBookingCommand,
  ChargeCustomerCommand,
  RecordOfflinePaymentCommand,
  RefundPaymentCommand,
  ReleaseAuthorizationCommand,
} from '@ledger/application';
import type { BookingBalanceDocument, PaymentHistoryDocument } from '@ledger/projections';
import { CurrentPrincipal, OPERATORS, READERS, Roles, RolesGuard, callerOf } from '../common/auth.js';
import { PageArgs } from '../common/pagination.js';
import { DashboardReads } from '../dashboard-reads.js';
import { bookingOf, paymentOf } from '../mappers.js';
import {
  AuthorizePaymentInput,
  CapturePaymentInput,
  ChargeBookingInput,
  ChargeCustomerInput,
  PaymentFilter,
  RecordOfflinePaymentInput,
  RefundPaymentInput,
} from '../types/inputs.js';
import { Booking, Payment, PaymentConnection } from '../types/ledger.types.js';

@Resolver(() => Payment)
@UseGuards(RolesGuard)
export class PaymentResolver {
  constructor(
    private readonly bus: CommandBus,
    private readonly reads: DashboardReads,
  ) {}

  @Query(() => Payment)
  @Roles(...READERS)
  async payment(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Payment> {
    return paymentOf(await this.reads.payment(principal.tenant, id));
  }

  @Query(() => PaymentConnection, {
    description: 'The payment history, newest first.',
  })
  @Roles(...READERS)
  async payments(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('filter', { type: () => PaymentFilter, nullable: true })
    filter?: PaymentFilter,
  ) {
    if (filter?.bookingId) return this.paymentsOfBooking(principal, filter);
    const range =
      filter?.createdFrom || filter?.createdTo
        ? {
            field: 'createdAt',
            ...(filter.createdFrom ? { gte: normalInstant(filter.createdFrom) } : {}),
            ...(filter.createdTo ? { lt: normalInstant(filter.createdTo) } : {}),
          }
        : undefined;
    return this.reads.list('payments', principal.tenant, {
      where: {
        customerId: filter?.customerId,
        method: filter?.method,
        status: filter?.status,
      },
      ...(range ? { range } : {}),
      orderBy: { field: 'createdAt', direction: 'desc' },
      ...page,
    }, paymentOf);
  }

  @ResolveField(() => [Booking], {
    description: 'The bookings this payment paid (or was for).',
  })
  async bookings(@CurrentPrincipal() principal: Principal, @Parent() payment: Payment): Promise<Booking[]> {
    return (await this.reads.many<BookingBalanceDocument>('bookings', principal.tenant, payment.bookingIds)).map(bookingOf);
  }

  @Mutation(() => Payment, {
    description: 'A hold (pre-authorisation) on a card on file or a new card.',
  })
  @Roles(...OPERATORS)
  async authorizePayment(@CurrentPrincipal() principal: Principal, @Args('input') input: AuthorizePaymentInput): Promise<Payment> {
    const result = await this.bus.execute(new AuthorizePaymentCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, {
    description: 'Takes all or part of a hold; the processor releases the rest.',
  })
  @Roles(...OPERATORS)
  async capturePayment(@CurrentPrincipal() principal: Principal, @Args('input') input: CapturePaymentInput): Promise<Payment> {
    const result = await this.bus.execute(new CapturePaymentCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, { description: 'Lets a hold go.' })
  @Roles(...OPERATORS)
  async releaseAuthorization(@CurrentPrincipal() principal: Principal, @Args('paymentId', { type: () => ID }) paymentId: string): Promise<Payment> {
    const result = await this.bus.execute(new ReleaseAuthorizationCommand(callerOf(principal), { paymentId }));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, {
    description: "Charges a booking's remaining (or a given) amount: card on file, new card saved, or a one-time card.",
  })
  @Roles(...OPERATORS)
  async chargeBooking(@CurrentPrincipal() principal: Principal, @Args('input') input: ChargeBookingInput): Promise<Payment> {
    const result = await this.bus.execute(new ChargeBookingCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, {
    description: "Charges from the customer's profile, allocated to the named (default: all outstanding) bookings, oldest first.",
  })
  @Roles(...OPERATORS)
  async chargeCustomer(@CurrentPrincipal() principal: Principal, @Args('input') input: ChargeCustomerInput): Promise<Payment> {
    const result = await this.bus.execute(new ChargeCustomerCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, {
    description: '"Mark as Collected": cash, cheque, e-transfer or another method the business enabled.',
  })
  @Roles(...OPERATORS)
  async recordOfflinePayment(@CurrentPrincipal() principal: Principal, @Args('input') input: RecordOfflinePaymentInput): Promise<Payment> {
    const result = await this.bus.execute(new RecordOfflinePaymentCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  @Mutation(() => Payment, {
    description: 'Full or partial, repeatable up to what was taken.',
  })
  @Roles('ADMIN')
  async refundPayment(@CurrentPrincipal() principal: Principal, @Args('input') input: RefundPaymentInput): Promise<Payment> {
    const result = await this.bus.execute(new RefundPaymentCommand(callerOf(principal), input));
    return this.fresh(principal, result.paymentId);
  }

  private async fresh(principal: Principal, paymentId: string): Promise<Payment> {
    await this.reads.readable({ paymentId });
    return paymentOf(await this.reads.payment(principal.tenant, paymentId));
  }

  /** A booking lists its payments, so this filter reads them from the booking (one page, all of them). */
  private async paymentsOfBooking(principal: Principal, filter: PaymentFilter) {
    const booking = await this.reads.one<BookingBalanceDocument>('bookings', principal.tenant, filter.bookingId!);
    const ids = [...new Set((booking?.payments ?? []).map((entry) => entry.paymentId))];
    const docs = await this.reads.many<PaymentHistoryDocument>('payments', principal.tenant, ids);
    const matching = docs
      .filter(
        (doc) =>
          (!filter.method || doc.method === (filter.method as string)) &&
          (!filter.status || doc.status === (filter.status as string)) &&
          (!filter.customerId || doc.customerId === filter.customerId),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    const edges = matching.map((doc) => ({
      cursor: doc.paymentId,
      node: paymentOf(doc),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}

/** Stored instants are ISO strings in UTC; a filter given with an offset is compared in UTC too. */
function normalInstant(value: string): string {
  return new Date(value).toISOString();
}
