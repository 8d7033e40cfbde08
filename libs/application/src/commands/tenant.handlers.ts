/**
 * Handlers that set a business up. Creating the tenant and changing its settings are single
 * decisions on the tenant stream; connecting the processor account calls the processor first
 * (with a key derived from what is asked, so a retry reaches the same account) and then records
 * the account it answered with.
 */
import { CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { streamName, tenantDecider } from '@ledger/domain';
import type { PaymentSettings, Tenant, TenantState } from '@ledger/domain';
import { PaymentGateway, SandboxPaymentGateway } from '@ledger/payments';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { stepContext } from '../payments/step-context.js';
import { gatewayRejection } from '../cards/card-vault.js';
import {
  ConnectStripeAccountCommand,
  CreateTenantCommand,
  RecordStripeAccountUpdateCommand,
  UpdatePaymentSettingsCommand,
} from './tenant.commands.js';
import type { StripeAccountUpdateResult, StripeConnectResult } from './tenant.commands.js';

@CommandHandler(CreateTenantCommand)
export class CreateTenantHandler implements ICommandHandler<CreateTenantCommand, { tenantId: string }> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  async execute({ input, actor }: CreateTenantCommand): Promise<{ tenantId: string }> {
    const { tenantId, name, currency } = input;
    const context = this.contexts.create(randomUUID(), tenantId, actor);
    const data = {
      tenantId,
      slug: tenantId,
      name,
      currency,
      timeZone: input.timeZone ?? 'UTC',
      ...(input.adminEmail === undefined ? {} : { adminEmail: input.adminEmail }),
    };
    await this.runner.decide(streamName.tenant(tenantId), tenantDecider, { type: 'CreateTenant', data, context });
    return { tenantId };
  }
}

@CommandHandler(UpdatePaymentSettingsCommand)
export class UpdatePaymentSettingsHandler implements ICommandHandler<UpdatePaymentSettingsCommand, PaymentSettings> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
  ) {}

  async execute({ caller, input }: UpdatePaymentSettingsCommand): Promise<PaymentSettings> {
    const tenant = await this.reader.tenant(caller.tenant);
    const context = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const data = {
      tenantId: tenant.tenantId,
      chargeTiming: input.chargeTiming,
      notifyAdminsOnLinkPayment: input.notifyAdminsOnLinkPayment,
      offlineMethods: input.offlineMethods,
      autoCaptureBeforeExpiry: input.autoCaptureBeforeExpiry ?? tenant.settings.autoCaptureBeforeExpiry,
    };
    const { state } = await this.runner.decide(streamName.tenant(tenant.tenantId), tenantDecider, {
      type: 'UpdatePaymentSettings',
      data,
      context,
    });
    return activeTenant(state).settings;
  }
}

@CommandHandler(ConnectStripeAccountCommand)
export class ConnectStripeAccountHandler implements ICommandHandler<ConnectStripeAccountCommand, StripeConnectResult> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly gateway: PaymentGateway,
  ) {}

  async execute({ caller, input }: ConnectStripeAccountCommand): Promise<StripeConnectResult> {
    const tenant = await this.reader.tenant(caller.tenant);
    const existingAccountId = tenant.stripe.state === 'NOT_CONNECTED' ? undefined : tenant.stripe.accountId;
    const refreshUrl = input.refreshUrl ?? input.returnUrl;
    // The key names the account (the tenant's, or a new one) and the links asked for: a retry
    // reaches the same account, while other URLs are a new request rather than a key conflict.
    const idempotencyKey = deriveId('stripe-connect', tenant.tenantId, existingAccountId ?? 'new-account', input.returnUrl, refreshUrl);
    const onboarding = await this.gateway
      .startConnectOnboarding({
        tenantId: tenant.tenantId,
        returnUrl: input.returnUrl,
        refreshUrl,
        idempotencyKey,
        ...(existingAccountId ? { existingAccountId } : {}),
      })
      .catch(gatewayRejection);
    const root = this.contexts.create(randomUUID(), caller.tenant, caller.actor);
    const stream = streamName.tenant(tenant.tenantId);
    const data = { tenantId: tenant.tenantId, accountId: onboarding.accountId };
    let { state } = await this.runner.decide(stream, tenantDecider, { type: 'StartStripeConnect', data, context: stepContext(root, 'start') });
    if (this.gateway instanceof SandboxPaymentGateway) {
      // The sandbox processor sends no webhooks and has nothing to onboard, so the account it
      // just created is recorded as able to charge at once, as its webhook would have said.
      const active = { ...data, chargesEnabled: true, state: 'ACTIVE' as const };
      ({ state } = await this.runner.decide(stream, tenantDecider, { type: 'UpdateStripeAccount', data: active, context: stepContext(root, 'sandbox-active') }));
    }
    return { ...onboarding, state: connectionState(activeTenant(state)) };
  }
}

@CommandHandler(RecordStripeAccountUpdateCommand)
export class RecordStripeAccountUpdateHandler implements ICommandHandler<RecordStripeAccountUpdateCommand, StripeAccountUpdateResult> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  async execute({ input }: RecordStripeAccountUpdateCommand): Promise<StripeAccountUpdateResult> {
    const { tenantId, accountId, chargesEnabled, eventId } = input;
    // A redelivered webhook is the same command again; the decider then finds nothing new.
    const commandId = eventId ? deriveId('stripe-account-update', tenantId, eventId) : randomUUID();
    const context = this.contexts.create(commandId, tenantId, { kind: 'PROCESSOR', id: eventId ?? 'stripe' });
    // Submitted details without charges enabled is still onboarding (or under review): PENDING.
    const state = chargesEnabled === true ? ('ACTIVE' as const) : ('PENDING' as const);
    await this.runner.decide(streamName.tenant(tenantId), tenantDecider, {
      type: 'UpdateStripeAccount',
      data: { tenantId, accountId, chargesEnabled, state },
      context,
    });
    return { tenantId, accountId, state, chargesEnabled };
  }
}

function activeTenant(state: TenantState): Tenant {
  if (state.status === 'NONE') throw new Error('unreachable: a decided tenant exists');
  return state;
}

function connectionState(tenant: Tenant): StripeConnectResult['state'] {
  if (tenant.stripe.state === 'NOT_CONNECTED') throw new Error('unreachable: the account was just recorded');
  return tenant.stripe.state;
}

export const tenantHandlers = [
  CreateTenantHandler,
  UpdatePaymentSettingsHandler,
  ConnectStripeAccountHandler,
  RecordStripeAccountUpdateHandler,
];
