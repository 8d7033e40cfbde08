// Goal: a business's tenant records its creation, payment settings and processor connection.
// Method: given/when/then on the tenant decider; assert the events or the rejection code.
import {
  defaultPaymentSettings,
  stripeChargesEnabled,
  type TenantCommand,
  tenantDecider,
  type TenantEvent,
} from '@ledger/domain';
import { commandsOf, decider, stateAfter } from '@ledger/testing';

const command = commandsOf<TenantCommand>();
const spec = decider(tenantDecider);
const tenantId = 't-1';

const created: TenantEvent = {
  type: 'TenantCreated',
  data: { tenantId, slug: 'sparkle-cleaning', name: 'Sparkle Cleaning', currency: 'CAD', timeZone: 'America/Toronto' },
};
const defaults: TenantEvent = { type: 'PaymentSettingsUpdated', data: { tenantId, ...defaultPaymentSettings } };
const connectStarted: TenantEvent = { type: 'StripeConnectStarted', data: { tenantId, accountId: 'acct_1' } };
const accountActive: TenantEvent = {
  type: 'StripeAccountUpdated',
  data: { tenantId, accountId: 'acct_1', chargesEnabled: true, state: 'ACTIVE' },
};

describe('CreateTenant', () => {
  const create = command('CreateTenant', { ...created.data });

  it('records the tenant and its default settings as explicit facts', () => {
    spec.given([]).when(create).then([created, defaults]);
    expect(defaultPaymentSettings).toStrictEqual({
      chargeTiming: 'MANUAL',
      notifyAdminsOnLinkPayment: true,
      offlineMethods: ['CASH', 'CHECK', 'E_TRANSFER', 'OTHER'],
      autoCaptureBeforeExpiry: true,
    });
  });

  it("records the administrators' e-mail address when one is given", () => {
    const withAdmin = { ...created.data, adminEmail: 'owner@sparkle.example' };
    spec.given([]).when(command('CreateTenant', withAdmin)).then([{ type: 'TenantCreated', data: withAdmin }, defaults]);
    expect(stateAfter(tenantDecider, [{ type: 'TenantCreated', data: withAdmin }])).toMatchObject({ adminEmail: 'owner@sparkle.example' });
    expect(stateAfter(tenantDecider, [created])).toMatchObject({ adminEmail: null });
  });

  it('rejects an admin e-mail that is not an address', () => {
    spec
      .given([])
      .when(command('CreateTenant', { ...created.data, adminEmail: 'owner at sparkle' }))
      .thenRejects('VALIDATION_FAILED', { field: 'adminEmail' });
  });

  it('rejects a second creation', () => {
    spec.given([created, defaults]).when(create).thenRejects('ALREADY_EXISTS');
  });

  it.each([
    ['slug', { slug: 'Sparkle Cleaning' }],
    ['currency', { currency: 'cad' }],
    ['time zone', { timeZone: 'Mars/Olympus' }],
    ['name', { name: '  ' }],
  ])('rejects an invalid %s', (_field, change) => {
    spec
      .given([])
      .when(command('CreateTenant', { ...created.data, ...change }))
      .thenRejects('VALIDATION_FAILED');
  });
});

describe('UpdatePaymentSettings', () => {
  const settings = {
    tenantId,
    chargeTiming: 'PRE_AUTHORIZE',
    notifyAdminsOnLinkPayment: false,
    offlineMethods: ['CHECK', 'CASH'],
    autoCaptureBeforeExpiry: false,
  } as const;

  it('records the new settings with offline methods in canonical order', () => {
    spec
      .given([created, defaults])
      .when(command('UpdatePaymentSettings', settings))
      .then([{ type: 'PaymentSettingsUpdated', data: { ...settings, offlineMethods: ['CASH', 'CHECK'] } }]);
  });

  it('is a no-op when nothing changes', () => {
    spec
      .given([created, defaults])
      .when(
        command('UpdatePaymentSettings', {
          tenantId,
          ...defaultPaymentSettings,
          offlineMethods: ['OTHER', 'E_TRANSFER', 'CHECK', 'CASH'],
        }),
      )
      .then([]);
  });

  it('rejects an unknown tenant', () => {
    spec.given([]).when(command('UpdatePaymentSettings', settings)).thenRejects('NOT_FOUND');
  });

  it.each([
    ['an unknown charge timing', { chargeTiming: 'WHENEVER' }],
    ['a duplicated offline method', { offlineMethods: ['CASH', 'CASH'] }],
    ['an unknown offline method', { offlineMethods: ['BITCOIN'] }],
  ])('rejects %s', (_case, change) => {
    spec
      .given([created, defaults])
      .when(command('UpdatePaymentSettings', { ...settings, ...change } as never))
      .thenRejects('VALIDATION_FAILED');
  });
});

describe('StartStripeConnect', () => {
  it('records the onboarding account', () => {
    spec
      .given([created])
      .when(command('StartStripeConnect', { tenantId, accountId: 'acct_1' }))
      .then([connectStarted]);
  });

  it('is a no-op for the account already connected or onboarding', () => {
    spec
      .given([created, connectStarted])
      .when(command('StartStripeConnect', { tenantId, accountId: 'acct_1' }))
      .then([]);
    spec
      .given([created, connectStarted, accountActive])
      .when(command('StartStripeConnect', { tenantId, accountId: 'acct_1' }))
      .then([]);
  });

  it('replaces an abandoned onboarding with a new account', () => {
    spec
      .given([created, connectStarted])
      .when(command('StartStripeConnect', { tenantId, accountId: 'acct_2' }))
      .then([{ type: 'StripeConnectStarted', data: { tenantId, accountId: 'acct_2' } }]);
  });

  it('rejects another account once one is active', () => {
    spec
      .given([created, connectStarted, accountActive])
      .when(command('StartStripeConnect', { tenantId, accountId: 'acct_2' }))
      .thenRejects('INVALID_STATE');
  });
});

describe('UpdateStripeAccount', () => {
  const activate = command('UpdateStripeAccount', {
    tenantId,
    accountId: 'acct_1',
    chargesEnabled: true,
    state: 'ACTIVE',
  });

  it('records the account state reported by the processor', () => {
    spec.given([created, connectStarted]).when(activate).then([accountActive]);
    expect(stripeChargesEnabled(stateAfter(tenantDecider, [created, connectStarted, accountActive]))).toBe(true);
    expect(stripeChargesEnabled(stateAfter(tenantDecider, [created, connectStarted]))).toBe(false);
  });

  it('is a no-op when the same state is reported again', () => {
    spec.given([created, connectStarted, accountActive]).when(activate).then([]);
  });

  it('rejects an update before any account was connected', () => {
    spec.given([created]).when(activate).thenRejects('STRIPE_NOT_CONNECTED');
  });

  it('rejects an update for an account of another tenant', () => {
    spec
      .given([created, connectStarted])
      .when(command('UpdateStripeAccount', { ...activate.data, accountId: 'acct_other' }))
      .thenRejects('NOT_FOUND');
  });

  it('rejects an active account that cannot take charges', () => {
    spec
      .given([created, connectStarted])
      .when(command('UpdateStripeAccount', { ...activate.data, chargesEnabled: false }))
      .thenRejects('VALIDATION_FAILED');
  });
});
