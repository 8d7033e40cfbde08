/** Payment links: a secure link e-mailed to the customer for what they owe. */
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@ledger/application';
import { CancelPaymentLinkCommand, SendPaymentLinkCommand } from '@ledger/application';
import { DomainError } from '@ledger/domain';
import { CurrentPrincipal, OPERATORS, READERS, Roles, RolesGuard, callerOf } from '../common/auth.js';
import { CustomerUrls } from '../customer-urls.js';
import { DashboardReads } from '../dashboard-reads.js';
import { paymentLinkOf } from '../mappers.js';
import { SendPaymentLinkInput } from '../types/inputs.js';
import { PaymentLinkStatus } from '../types/enums.js';
import { PaymentLink } from '../types/ledger.types.js';

@Resolver(() => PaymentLink)
@UseGuards(RolesGuard)
export class PaymentLinkResolver {
  constructor(
    private readonly bus: CommandBus,
    private readonly reads: DashboardReads,
    private readonly urls: CustomerUrls,
  ) {}

  @Query(() => PaymentLink)
  @Roles(...READERS)
  async paymentLink(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<PaymentLink> {
    const doc = await this.reads.link(principal.tenant, id);
    if (!doc)
      throw new DomainError('NOT_FOUND', `Payment link ${id} does not exist`, {
        id,
      });
    return paymentLinkOf(doc);
  }

  @Mutation(() => PaymentLink, {
    description: 'E-mails the customer a secure link to pay (or, with previewOnly, answers with the e-mail and sends nothing).',
  })
  @Roles(...OPERATORS)
  async sendPaymentLink(@CurrentPrincipal() principal: Principal, @Args('input') input: SendPaymentLinkInput): Promise<PaymentLink> {
    const caller = callerOf(principal);
    const sent = await this.bus.execute(new SendPaymentLinkCommand(caller, input));
    const emailPreview = await this.urls.sendPaymentLink(caller, sent, input.previewOnly === true);
    if (sent.linkId) await this.reads.caughtUp();
    return {
      id: sent.linkId ?? null,
      url: sent.token ? this.urls.payUrl(sent.token) : null,
      status: sent.status as PaymentLinkStatus,
      amount: sent.amount,
      bookingIds: [...sent.bookingIds],
      email: sent.email,
      expiresAt: sent.expiresAt,
      paymentId: null,
      emailPreview,
    };
  }

  @Mutation(() => PaymentLink, {
    description: 'Withdraws a link that has not been paid.',
  })
  @Roles(...OPERATORS)
  async cancelPaymentLink(@CurrentPrincipal() principal: Principal, @Args('linkId', { type: () => ID }) linkId: string): Promise<PaymentLink> {
    await this.bus.execute(new CancelPaymentLinkCommand(callerOf(principal), { linkId }));
    await this.reads.readable({ linkId });
    return this.paymentLink(principal, linkId);
  }
}
