// Goal: a business is created, chooses its payment settings and connects its processor account,
// and only a connected business can take card payments. Method: the commands on the real write
// side (SQLite event store, sandbox processor, Nest command bus); assert the tenant stream's
// events and what a charge is then allowed to do.
import { streamName } from '@ledger/domain';
import { ChargeBookingCommand } from './charge.commands.js';
import { CommandTestbed } from './command-testbed.js';
import { CreateBookingCommand } from './booking.commands.js';
import {
  ConnectStripeAccountCommand,
  CreateTenantCommand,
  RecordStripeAccountUpdateCommand,
  UpdatePaymentSettingsCommand,
} from './tenant.commands.js';

describe('tenants and their payment settings', () => {
  let bed: CommandTestbed;
  const tenantId = 'sparkle-cleaning';
  const caller = { tenant: tenantId, actor: { kind: 'API_KEY' as const, id: 'admin-key' } };
  const stream = streamName.tenant(tenantId);

  beforeEach(async () => {
    bed = await CommandTestbed.start();
  });
  afterEach(() => bed.dispose());

  const create = () => bed.execute(new CreateTenantCommand({ tenantId, name: 'Sparkle Cleaning', currency: 'CAD' }));
  const connect = () => bed.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'https://app.example/settings/payments' }));

  it('creates a tenant with explicit default settings, in UTC unless told otherwise, once', async () => {
    expect(await create()).toEqual({ tenantId });
    const [created, defaults] = await bed.store.readStream(stream);
    expect(created!.data).toEqual({ tenantId, slug: tenantId, name: 'Sparkle Cleaning', currency: 'CAD', timeZone: 'UTC' });
    expect(created!.metadata).toMatchObject({ tenant: tenantId, actor: 'SYSTEM:cli' });
    expect(defaults!.data).toMatchObject({ chargeTiming: 'MANUAL', autoCaptureBeforeExpiry: true });
    await expect(create()).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(bed.execute(new CreateTenantCommand({ tenantId: 'Not A Slug', name: 'x', currency: 'CAD' }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it("records the administrators' e-mail address when the CLI gives one", async () => {
    await bed.execute(new CreateTenantCommand({ tenantId, name: 'Sparkle Cleaning', currency: 'CAD', adminEmail: 'owner@sparkle.example' }));
    const [created] = await bed.store.readStream(stream);
    expect(created!.data).toMatchObject({ tenantId, adminEmail: 'owner@sparkle.example' });
    await expect(
      bed.execute(new CreateTenantCommand({ tenantId: 'other-business', name: 'Other', currency: 'CAD', adminEmail: 'not an address' })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('records new payment settings, keeps what was not given, and ignores a repeat', async () => {
    await create();
    const input = { chargeTiming: 'AT_BOOKING' as const, notifyAdminsOnLinkPayment: false, offlineMethods: ['CHECK' as const, 'CASH' as const] };
    const settings = await bed.execute(new UpdatePaymentSettingsCommand(caller, input));
    expect(settings).toEqual({ ...input, offlineMethods: ['CASH', 'CHECK'], autoCaptureBeforeExpiry: true });
    await bed.execute(new UpdatePaymentSettingsCommand(caller, input));
    expect(await bed.eventTypes(stream)).toEqual(['TenantCreated', 'PaymentSettingsUpdated', 'PaymentSettingsUpdated']);
    await expect(bed.execute(new UpdatePaymentSettingsCommand(caller, { ...input, offlineMethods: ['BITCOIN' as never] }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const stranger = { ...caller, tenant: 'nobody' };
    await expect(bed.execute(new UpdatePaymentSettingsCommand(stranger, input))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('connects the sandbox account, active at once because the sandbox sends no webhooks', async () => {
    await create();
    const result = await connect();
    expect(result.accountId).toMatch(/^acct_/);
    expect(result.onboardingUrl).toContain(`sandbox_account=${result.accountId}`);
    expect(result.state).toBe('ACTIVE');
    const events = await bed.store.readStream(stream);
    expect(events.slice(2).map((e) => [e.type, e.data])).toEqual([
      ['StripeConnectStarted', { tenantId, accountId: result.accountId }],
      ['StripeAccountUpdated', { tenantId, accountId: result.accountId, chargesEnabled: true, state: 'ACTIVE' }],
    ]);
    // Asking again reaches the same account and records nothing new.
    expect((await connect()).accountId).toBe(result.accountId);
    expect(await bed.store.readStream(stream)).toHaveLength(4);
  });

  it('refuses card payments for a business never connected, and takes them once it is', async () => {
    await create();
    await bed.execute(new UpdatePaymentSettingsCommand(caller, { chargeTiming: 'MANUAL', notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH'] }));
    const customerId = await bed.registerCustomer(caller);
    const { bookingId } = await bed.execute(
      new CreateBookingCommand(caller, { customerId, description: 'Window cleaning', amountMinor: 9_000, currency: 'CAD', serviceDate: '2026-12-01', source: 'PHONE' }),
    );
    const charge = (key: string) => bed.execute(new ChargeBookingCommand(caller, { bookingId, paymentMethodToken: 'pm_card_visa', idempotencyKey: key }));
    await expect(charge('k1')).rejects.toMatchObject({ code: 'STRIPE_NOT_CONNECTED' });
    expect(await bed.store.readAll({ filter: { streamCategories: ['payment'] } })).toEqual([]);
    expect(bed.processorCalls.createPayment ?? 0).toBe(0);
    await connect();
    expect(await charge('k2')).toMatchObject({ status: 'CAPTURED' });
    expect((await bed.booking(caller, bookingId)).remaining.amountMinor).toBe(0);
  });

  it("follows the processor's account webhooks, once per delivery, for the tenant's own account only", async () => {
    await create();
    const update = (eventId: string, chargesEnabled: boolean, accountId = 'acct_x') =>
      bed.execute(new RecordStripeAccountUpdateCommand({ tenantId, accountId, chargesEnabled, detailsSubmitted: true, eventId }));
    await expect(update('evt_0', true)).rejects.toMatchObject({ code: 'STRIPE_NOT_CONNECTED' });
    const { accountId } = await connect();
    expect(await update('evt_1', false, accountId)).toMatchObject({ state: 'PENDING', chargesEnabled: false });
    expect(await update('evt_2', true, accountId)).toMatchObject({ state: 'ACTIVE', chargesEnabled: true });
    await update('evt_2', true, accountId);
    const updates = (await bed.store.readStream(stream)).filter((e) => e.type === 'StripeAccountUpdated');
    expect(updates.map((e) => [(e.data as { state: string }).state, e.metadata.actor])).toEqual([
      ['ACTIVE', 'API_KEY:admin-key'],
      ['PENDING', 'PROCESSOR:evt_1'],
      ['ACTIVE', 'PROCESSOR:evt_2'],
    ]);
    await expect(update('evt_3', true, 'acct_someone_else')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
