/**
 * Handlers for payment links. Sending works out what the customer owes, issues a token and
 * records the link with the token's hash; paying is the card payment process started from the
 * link (see PayPaymentLinkHandler); cancelling and expiring are single decisions on the link.
 */
import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { decidePaymentLink, initialPaymentLinkState, paymentLinkDecider, stripeChargesEnabled, streamName, sumMoney } from '@ledger/domain';
import type { CommandContext, CreatePaymentLink, PaymentLinkState } from '@ledger/domain';
import { Clock } from '../clock.port.js';
import { CommandContexts } from '../command-contexts.js';
import type { Caller } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { IdempotencyGuard } from '../idempotency.js';
import { deriveId } from '../ids.js';
import { CustomerBookings } from '../payments/customer-bookings.port.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { outstandingAllocations } from './outstanding.js';
import { issueLinkToken } from './payment-link-token.js';
import { CancelPaymentLinkCommand, ExpirePaymentLinkCommand, SendPaymentLinkCommand } from './payment-link.commands.js';
import type { PaymentLinkChanged, PaymentLinkSent, SendPaymentLinkInput } from './payment-link.commands.js';
import { PayPaymentLinkHandler } from './pay-payment-link.handler.js';

export const PAYMENT_LINK_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** A hash no token has, for checking a link that will not be recorded. */
const PREVIEW_TOKEN_HASH = '0'.repeat(64);

@CommandHandler(SendPaymentLinkCommand)
export class SendPaymentLinkHandler implements ICommandHandler<SendPaymentLinkCommand, PaymentLinkSent> {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly bookings: CustomerBookings,
    private readonly runner: DecisionRunner,
    private readonly clock: Clock,
  ) {}

  async execute({ caller, input }: SendPaymentLinkCommand): Promise<PaymentLinkSent> {
    if (input.previewOnly === true) return this.preview(caller, input);
    if (input.idempotencyKey === undefined) return this.create(caller, input, randomUUID());
    // The guard records its answer in the log, so the token is kept out of it and added to the
    // first answer only; a repeat answers with the same link, without the secret.
    let token: string | undefined;
    const request = { tenant: caller.tenant, key: input.idempotencyKey, commandType: 'SendPaymentLink', input };
    const sent = await this.guard.run(
      request,
      async (commandId) => {
        const { token: issued, ...recorded } = await this.create(caller, input, commandId);
        token = issued;
        return recorded;
      },
      // A preview decides the link exactly as sending would and records nothing.
      () => this.preview(caller, input),
    );
    return token === undefined ? sent : { ...sent, token };
  }

  /** Checks the link exactly as sending would, through the decider, and records nothing. */
  private async preview(caller: Caller, input: SendPaymentLinkInput): Promise<PaymentLinkSent> {
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const command = await this.compose(context, input, 'preview', PREVIEW_TOKEN_HASH);
    decidePaymentLink(command, initialPaymentLinkState);
    const { amount, bookingIds, expiresAt, email } = command.data;
    return { status: 'PREVIEW', amount, bookingIds, expiresAt, email };
  }

  private async create(caller: Caller, input: SendPaymentLinkInput, commandId: string): Promise<PaymentLinkSent> {
    const context = this.contexts.create(commandId, caller.tenant, caller.actor);
    const linkId = deriveId(commandId, 'payment-link');
    const stream = streamName.paymentLink(linkId);
    const { state } = await this.runner.load(stream, paymentLinkDecider, caller.tenant);
    // A request resumed after a crash finds its link already recorded; its token was lost
    // with the crashed process, so the link is reported without one (it can be cancelled and sent again).
    if (state.status !== 'NONE') return { ...answer(state), status: state.status };
    const { token, tokenHash } = issueLinkToken(linkId);
    const command = await this.compose(context, input, linkId, tokenHash);
    await this.runner.decide(stream, paymentLinkDecider, command);
    return { ...answer(command.data), status: 'OPEN', token };
  }

  private async compose(context: CommandContext, input: SendPaymentLinkInput, linkId: string, tokenHash: string): Promise<CreatePaymentLink> {
    const tenant = await this.reader.tenant(context.tenant);
    const customer = await this.reader.customer(context.tenant, input.customerId);
    const allocations = await outstandingAllocations(this.reader, this.bookings, context.tenant, customer.customerId, input);
    const expiresAt = new Date(this.clock.now().getTime() + PAYMENT_LINK_LIFETIME_MS).toISOString();
    return {
      type: 'CreatePaymentLink',
      data: {
        linkId,
        customerId: customer.customerId,
        bookingIds: allocations.map((allocation) => allocation.bookingId),
        amount: sumMoney(
          allocations.map((allocation) => allocation.amount),
          tenant.currency,
        ),
        tokenHash,
        email: input.email ?? customer.email,
        expiresAt,
        chargesEnabled: stripeChargesEnabled(tenant),
      },
      context,
    };
  }
}

function answer(link: Pick<CreatePaymentLink['data'], 'linkId' | 'amount' | 'bookingIds' | 'expiresAt' | 'email'>): PaymentLinkSent {
  const { linkId, amount, bookingIds, expiresAt, email } = link;
  return { status: 'OPEN', linkId, amount, bookingIds, expiresAt, email };
}

@Injectable()
abstract class LinkDecisionHandler {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  protected async decide(caller: Caller, type: 'CancelPaymentLink' | 'ExpirePaymentLink', linkId: string, commandId: string): Promise<PaymentLinkChanged> {
    const context = this.contexts.create(commandId, caller.tenant, caller.actor);
    const { state } = await this.runner.decide(streamName.paymentLink(linkId), paymentLinkDecider, { type, data: { linkId }, context });
    return { linkId, status: statusOf(state) };
  }
}

function statusOf(state: PaymentLinkState): PaymentLinkChanged['status'] {
  if (state.status === 'NONE') throw new Error('unreachable: a decided link has state');
  return state.status;
}

@CommandHandler(CancelPaymentLinkCommand)
export class CancelPaymentLinkHandler extends LinkDecisionHandler implements ICommandHandler<CancelPaymentLinkCommand, PaymentLinkChanged> {
  execute({ caller, input }: CancelPaymentLinkCommand): Promise<PaymentLinkChanged> {
    return this.decide(caller, 'CancelPaymentLink', input.linkId, randomUUID());
  }
}

@CommandHandler(ExpirePaymentLinkCommand)
export class ExpirePaymentLinkHandler extends LinkDecisionHandler implements ICommandHandler<ExpirePaymentLinkCommand, PaymentLinkChanged> {
  execute({ caller, input }: ExpirePaymentLinkCommand): Promise<PaymentLinkChanged> {
    // One expiry per link, whichever timer or retry sends it.
    return this.decide(caller, 'ExpirePaymentLink', input.linkId, deriveId(input.linkId, 'expire'));
  }
}

export const paymentLinkHandlers = [SendPaymentLinkHandler, PayPaymentLinkHandler, CancelPaymentLinkHandler, ExpirePaymentLinkHandler];
