/** The business's payment settings and its Stripe account. */
import { UseGuards } from '@nestjs/common';
import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import type { Principal } from '@ledger/application';
import { ConnectStripeAccountCommand, LedgerReader, UpdatePaymentSettingsCommand } from '@ledger/application';
import type { Tenant } from '@ledger/domain';
import { CurrentPrincipal, READERS, Roles, RolesGuard, callerOf } from '../common/auth.js';
import { ConnectStripeAccountInput, UpdatePaymentSettingsInput } from '../types/inputs.js';
import type { ChargeTiming, OfflinePaymentMethod } from '../types/enums.js';
import { StripeAccountState } from '../types/enums.js';
import { PaymentSettings, StripeConnectOnboarding } from '../types/ledger.types.js';

/** Settings live on the tenant stream: the source of truth, read directly (one short stream). */
function settingsOf(tenant: Tenant): PaymentSettings {
  const stripe = tenant.stripe;
  return {
    chargeTiming: tenant.settings.chargeTiming as ChargeTiming,
    notifyAdminsOnLinkPayment: tenant.settings.notifyAdminsOnLinkPayment,
    offlineMethods: [...tenant.settings.offlineMethods] as OfflinePaymentMethod[],
    autoCaptureBeforeExpiry: tenant.settings.autoCaptureBeforeExpiry,
    stripeAccountState: stripe.state as StripeAccountState,
    stripeAccountId: stripe.state === 'NOT_CONNECTED' ? null : stripe.accountId,
    chargesEnabled: stripe.state !== 'NOT_CONNECTED' && stripe.chargesEnabled,
    currency: tenant.currency,
    timeZone: tenant.timeZone,
    businessName: tenant.name,
  };
}

@Resolver(() => PaymentSettings)
@UseGuards(RolesGuard)
export class SettingsResolver {
  constructor(
    private readonly bus: CommandBus,
    private readonly ledger: LedgerReader,
  ) {}

  @Query(() => PaymentSettings)
  @Roles(...READERS)
  async paymentSettings(@CurrentPrincipal() principal: Principal): Promise<PaymentSettings> {
    return settingsOf(await this.ledger.tenant(principal.tenant));
  }

  /** Field-level rule: the processor account id is for administrators and auditors only. */
  @ResolveField(() => String, { nullable: true })
  stripeAccountId(@CurrentPrincipal() principal: Principal, @Parent() settings: PaymentSettings): string | null {
    return principal.role === 'ADMIN' || principal.role === 'AUDITOR' ? settings.stripeAccountId : null;
  }

  @Mutation(() => PaymentSettings)
  @Roles('ADMIN')
  async updatePaymentSettings(@CurrentPrincipal() principal: Principal, @Args('input') input: UpdatePaymentSettingsInput): Promise<PaymentSettings> {
    await this.bus.execute(new UpdatePaymentSettingsCommand(callerOf(principal), input));
    return this.paymentSettings(principal);
  }

  @Mutation(() => StripeConnectOnboarding, {
    description: "Starts Stripe Connect onboarding; the account's state arrives by webhook.",
  })
  @Roles('ADMIN')
  async connectStripeAccount(@CurrentPrincipal() principal: Principal, @Args('input') input: ConnectStripeAccountInput): Promise<StripeConnectOnboarding> {
    const result = await this.bus.execute(new ConnectStripeAccountCommand(callerOf(principal), input));
    return {
      onboardingUrl: result.onboardingUrl,
      state: result.state as StripeAccountState,
    };
  }
}
