import { DomainError } from '../shared/domain-error.js';
import { type Decider, unreachable } from '../shared/decider.js';
import { assertCurrencyCode } from '../shared/money.js';
import { offlinePaymentMethods } from '../shared/payment-method.js';
import { requireDistinct, requireEmail, requireList, requireOneOf, requirePattern, requireText, requireWrittenText } from '../shared/validation.js';
import type {
  CreateTenant,
  StartStripeConnect,
  TenantCommand,
  UpdatePaymentSettings,
  UpdateStripeAccount,
} from './tenant.commands.js';
import { chargeTimings, type PaymentSettings, type TenantEvent } from './tenant.events.js';
import {
  defaultPaymentSettings,
  evolveTenant,
  initialTenantState,
  type Tenant,
  type TenantState,
} from './tenant.state.js';

/** The slug appears in URLs and the CLI, so it stays to one readable, unambiguous alphabet. */
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A stream holding another id means the caller loaded the wrong stream: to it, ours is unknown. */
function requireTenant(state: TenantState, tenantId: string): Tenant {
  if (state.status === 'NONE' || state.tenantId !== tenantId)
    throw new DomainError('NOT_FOUND', 'unknown tenant', { tenantId });
  return state;
}

function requireTimeZone(timeZone: unknown): string {
  const value = requireText(timeZone, 'timeZone', 64);
  try {
    // The ICU database is data, not I/O: an unknown zone throws a RangeError.
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'timeZone must be an IANA time zone', { field: 'timeZone', timeZone });
  }
  return value;
}

function createTenant(command: CreateTenant, state: TenantState): TenantEvent[] {
  const { tenantId, slug, name, currency, timeZone } = command.data;
  if (state.status !== 'NONE') throw new DomainError('ALREADY_EXISTS', 'tenant already exists', { tenantId });
  requireText(tenantId, 'tenantId', 128);
  requireText(slug, 'slug', 63);
  requirePattern(slug, slugPattern, 'slug', 'lower-case letters and digits joined by single dashes');
  requireWrittenText(name, 'name', 200);
  assertCurrencyCode(currency);
  requireTimeZone(timeZone);
  // Left out of the event when not given, so tenants created without one record what they did before.
  const admin = command.data.adminEmail === undefined ? {} : { adminEmail: requireEmail(command.data.adminEmail, 'adminEmail') };
  return [
    { type: 'TenantCreated', data: { tenantId, slug, name, currency, timeZone, ...admin } },
    { type: 'PaymentSettingsUpdated', data: { tenantId, ...defaultPaymentSettings } },
  ];
}

function normaliseSettings(input: PaymentSettings): PaymentSettings {
  const chargeTiming = requireOneOf(input.chargeTiming, chargeTimings, 'chargeTiming');
  for (const flag of ['notifyAdminsOnLinkPayment', 'autoCaptureBeforeExpiry'] as const) {
    if (typeof input[flag] !== 'boolean') {
      throw new DomainError('VALIDATION_FAILED', `${flag} must be a boolean`, { field: flag });
    }
  }
  requireList(input.offlineMethods, 'offlineMethods');
  input.offlineMethods.forEach((method) => requireOneOf(method, offlinePaymentMethods, 'offlineMethods'));
  requireDistinct(input.offlineMethods, 'offlineMethods');
  return {
    chargeTiming,
    notifyAdminsOnLinkPayment: input.notifyAdminsOnLinkPayment,
    offlineMethods: offlinePaymentMethods.filter((method) => input.offlineMethods.includes(method)),
    autoCaptureBeforeExpiry: input.autoCaptureBeforeExpiry,
  };
}

function sameSettings(left: PaymentSettings, right: PaymentSettings): boolean {
  return (
    left.chargeTiming === right.chargeTiming &&
    left.notifyAdminsOnLinkPayment === right.notifyAdminsOnLinkPayment &&
    left.autoCaptureBeforeExpiry === right.autoCaptureBeforeExpiry &&
    left.offlineMethods.join() === right.offlineMethods.join()
  );
}

function updatePaymentSettings(command: UpdatePaymentSettings, state: TenantState): TenantEvent[] {
  const tenant = requireTenant(state, command.data.tenantId);
  const settings = normaliseSettings(command.data);
  if (sameSettings(settings, tenant.settings)) return [];
  return [{ type: 'PaymentSettingsUpdated', data: { tenantId: tenant.tenantId, ...settings } }];
}

function startStripeConnect(command: StartStripeConnect, state: TenantState): TenantEvent[] {
  const tenant = requireTenant(state, command.data.tenantId);
  const accountId = requireText(command.data.accountId, 'accountId', 255);
  const { stripe } = tenant;
  // Asking again for the same account only needs a fresh onboarding link, which is not a fact.
  if (stripe.state !== 'NOT_CONNECTED' && stripe.accountId === accountId) return [];
  if (stripe.state === 'ACTIVE') {
    throw new DomainError('INVALID_STATE', 'a processor account is already active for this tenant', {
      accountId: stripe.accountId,
    });
  }
  // A PENDING account was abandoned mid-onboarding; the new one replaces it.
  return [{ type: 'StripeConnectStarted', data: { tenantId: tenant.tenantId, accountId } }];
}

function updateStripeAccount(command: UpdateStripeAccount, state: TenantState): TenantEvent[] {
  const tenant = requireTenant(state, command.data.tenantId);
  const { accountId, chargesEnabled } = command.data;
  const accountState = requireOneOf(command.data.state, ['PENDING', 'ACTIVE'] as const, 'state');
  const { stripe } = tenant;
  if (stripe.state === 'NOT_CONNECTED') {
    throw new DomainError('STRIPE_NOT_CONNECTED', 'no processor account was connected', { accountId });
  }
  if (stripe.accountId !== accountId) {
    throw new DomainError('NOT_FOUND', 'the account is not connected to this tenant', { accountId });
  }
  if (typeof chargesEnabled !== 'boolean' || (accountState === 'ACTIVE' && !chargesEnabled)) {
    throw new DomainError('VALIDATION_FAILED', 'an ACTIVE account must have charges enabled', { accountId });
  }
  if (stripe.state === accountState && stripe.chargesEnabled === chargesEnabled) return [];
  return [
    {
      type: 'StripeAccountUpdated',
      data: { tenantId: tenant.tenantId, accountId, chargesEnabled, state: accountState },
    },
  ];
}

export function decideTenant(command: TenantCommand, state: TenantState): TenantEvent[] {
  switch (command.type) {
    case 'CreateTenant':
      return createTenant(command, state);
    case 'UpdatePaymentSettings':
      return updatePaymentSettings(command, state);
    case 'StartStripeConnect':
      return startStripeConnect(command, state);
    case 'UpdateStripeAccount':
      return updateStripeAccount(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'tenant command');
    }
  }
}

export const tenantDecider: Decider<TenantCommand, TenantEvent, TenantState> = {
  initialState: initialTenantState,
  decide: decideTenant,
  evolve: evolveTenant,
};
