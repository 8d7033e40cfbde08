/** Customers and their cards on file; a customer's balance is summed from their bookings. */
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@ledger/application';
import { DomainError, sumMinorExact } from '@ledger/domain';
import { LedgerReader, RegisterCustomerCommand, RemoveCardCommand, RequestCardCommand, SaveCardCommand } from '@ledger/application';
import { CustomerUrls } from '../customer-urls.js';
import { CurrentPrincipal, OPERATORS, READERS, Roles, RolesGuard, callerOf } from '../common/auth.js';
import { PageArgs } from '../common/pagination.js';
import { Money, moneyFromExact } from '../common/scalars.js';
import { DashboardReads } from '../dashboard-reads.js';
import { bookingOf, customerOf, paymentOf } from '../mappers.js';
import { RegisterCustomerInput, RequestCardInput, SaveCardInput } from '../types/inputs.js';
import { BookingConnection, Card, CardRequest, Customer, CustomerConnection, PaymentConnection, RemovedCard } from '../types/ledger.types.js';
import { CardRequestStatus } from '../types/enums.js';

@Resolver(() => Customer)
@UseGuards(RolesGuard)
export class CustomerResolver {
  constructor(
    private readonly bus: CommandBus,
    private readonly reads: DashboardReads,
    private readonly urls: CustomerUrls,
    private readonly ledger: LedgerReader,
  ) {}

  @Query(() => Customer)
  @Roles(...READERS)
  async customer(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<Customer> {
    return customerOf(await this.reads.customer(principal.tenant, id));
  }

  @Query(() => CustomerConnection, { description: 'Customers, newest first.' })
  @Roles(...READERS)
  async customers(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs) {
    return this.reads.list('customers', principal.tenant, {
      orderBy: { field: 'createdAt', direction: 'desc' },
      ...page,
    }, customerOf);
  }

  /**
   * Summed exactly: each booking owes at most MAX_AMOUNT_MINOR, so only a customer with more
   * than 9,007 maximal open bookings could pass 2^53-1, and then this field is refused with
   * AMOUNT_OUT_OF_RANGE rather than answered rounded.
   */
  @ResolveField(() => Money, {
    description: 'What the customer owes across all bookings.',
  })
  async balance(@CurrentPrincipal() principal: Principal, @Parent() customer: Customer): Promise<Money> {
    const [bookings, profile] = await Promise.all([this.reads.customerBookings(principal.tenant, customer.id), this.currency(principal)]);
    const open = bookings.filter((booking) => booking.status !== 'CANCELLED');
    const totalMinor = sumMinorExact(open.map((booking) => booking.balance.amountMinor));
    return moneyFromExact(totalMinor, open[0]?.balance.currency ?? profile, 'balance');
  }

  @ResolveField(() => BookingConnection)
  async bookings(@CurrentPrincipal() principal: Principal, @Parent() customer: Customer, @Args() page: PageArgs) {
    return this.reads.list('bookings', principal.tenant, {
      where: { customerId: customer.id },
      orderBy: { field: 'serviceDate', direction: 'desc' },
      ...page,
    }, bookingOf);
  }

  @ResolveField(() => PaymentConnection)
  async payments(@CurrentPrincipal() principal: Principal, @Parent() customer: Customer, @Args() page: PageArgs) {
    return this.reads.list('payments', principal.tenant, {
      where: { customerId: customer.id },
      orderBy: { field: 'createdAt', direction: 'desc' },
      ...page,
    }, paymentOf);
  }

  @Mutation(() => Customer)
  @Roles(...OPERATORS)
  async registerCustomer(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterCustomerInput): Promise<Customer> {
    const { customerId } = await this.bus.execute(new RegisterCustomerCommand(callerOf(principal), input));
    return this.fresh(principal, customerId);
  }

  @Mutation(() => Card, {
    description: 'Keeps a card (a pm_... token) on file for the customer.',
  })
  @Roles(...OPERATORS)
  async saveCard(@CurrentPrincipal() principal: Principal, @Args('input') input: SaveCardInput): Promise<Card> {
    const saved = await this.bus.execute(new SaveCardCommand(callerOf(principal), input));
    await this.reads.caughtUp();
    return {
      id: saved.cardId,
      brand: saved.brand,
      last4: saved.last4,
      expMonth: saved.expMonth,
      expYear: saved.expYear,
    };
  }

  @Mutation(() => RemovedCard)
  @Roles(...OPERATORS)
  async removeCard(@CurrentPrincipal() principal: Principal, @Args('cardId', { type: () => ID }) cardId: string): Promise<RemovedCard> {
    const customerId = await this.ownerOfCard(principal, cardId);
    await this.bus.execute(new RemoveCardCommand(callerOf(principal), { customerId, cardId }));
    await this.reads.caughtUp();
    return { cardId };
  }

  @Mutation(() => CardRequest, {
    description: 'E-mails the customer a secure link to add a card.',
  })
  @Roles(...OPERATORS)
  async requestCard(@CurrentPrincipal() principal: Principal, @Args('input') input: RequestCardInput): Promise<CardRequest> {
    const result = await this.bus.execute(new RequestCardCommand(callerOf(principal), input));
    await this.urls.sendCardRequest(callerOf(principal), result);
    return {
      id: result.requestId,
      status: CardRequestStatus.PENDING,
      email: result.email,
      expiresAt: result.expiresAt,
      url: this.urls.cardUrl(result.token),
      cardId: null,
    };
  }

  private async fresh(principal: Principal, customerId: string): Promise<Customer> {
    await this.reads.readable({ customerId });
    return customerOf(await this.reads.customer(principal.tenant, customerId));
  }

  /** Cards are addressed by id alone in the API; the command needs the customer holding it. */
  private async ownerOfCard(principal: Principal, cardId: string): Promise<string> {
    const owner = await this.reads.cardOwner(principal.tenant, cardId);
    if (!owner)
      throw new DomainError('CARD_NOT_FOUND', `Card ${cardId} is not on file`, {
        cardId,
      });
    return owner;
  }

  private async currency(principal: Principal): Promise<string> {
    return (await this.ledger.tenant(principal.tenant)).currency;
  }
}
