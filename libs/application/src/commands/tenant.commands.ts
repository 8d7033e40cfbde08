/**
 * Commands that set a business up: creating its tenant (from the CLI), its payment settings,
 * and the connection of its own card processor account, whose state arrives by webhook.
 */
import { Command } from '@nestjs/cqrs';
import type { Actor, ChargeTiming, OfflinePaymentMethod, PaymentSettings, StripeAccountState } from '@ledger/domain';
import type { Caller } from '../command-contexts.js';

/** Who creates tenants when no other actor is named: the operator's CLI. */
export const TENANT_ADMIN_ACTOR: Actor = { kind: 'SYSTEM', id: 'cli' };

export class CreateTenantCommand extends Command<{ tenantId: string }> {
  constructor(
    readonly input: {
      /** The slug: it names the tenant in URLs, API keys and the CLI. */
      readonly tenantId: string;
      readonly name: string;
      readonly currency: string;
      /** An IANA zone; UTC when not given. */
      readonly timeZone?: string;
      /** Where administrator notices (a payment link was paid) are e-mailed; none are sent without it. */
      readonly adminEmail?: string;
    },
    readonly actor: Actor = TENANT_ADMIN_ACTOR,
  ) {
    super();
  }
}

export class UpdatePaymentSettingsCommand extends Command<PaymentSettings> {
  constructor(
    readonly caller: Caller,
    readonly input: {
      readonly chargeTiming: ChargeTiming;
      readonly notifyAdminsOnLinkPayment: boolean;
      readonly offlineMethods: readonly OfflinePaymentMethod[];
      /** Kept as it is when not given. */
      readonly autoCaptureBeforeExpiry?: boolean;
    },
  ) {
    super();
  }
}

export interface StripeConnectResult {
  readonly accountId: string;
  readonly onboardingUrl: string;
  /** The account's state as recorded once the command is done. */
  readonly state: StripeAccountState;
}

export class ConnectStripeAccountCommand extends Command<StripeConnectResult> {
  constructor(
    readonly caller: Caller,
    readonly input: {
      readonly returnUrl: string;
      /** Where the processor sends the user when the onboarding link has expired; the return URL when not given. */
      readonly refreshUrl?: string;
    },
  ) {
    super();
  }
}

export interface StripeAccountUpdateResult {
  readonly tenantId: string;
  readonly accountId: string;
  readonly state: StripeAccountState;
  readonly chargesEnabled: boolean;
}

/**
 * The processor's account webhook, translated. The webhook layer resolves which tenant the
 * account belongs to; the command still checks the account is the one that tenant connected.
 */
export class RecordStripeAccountUpdateCommand extends Command<StripeAccountUpdateResult> {
  constructor(
    readonly input: {
      readonly tenantId: string;
      readonly accountId: string;
      readonly chargesEnabled: boolean;
      readonly detailsSubmitted: boolean;
      /** The processor's event id: it names the actor, and a redelivery repeats the same command. */
      readonly eventId?: string;
    },
  ) {
    super();
  }
}
