// The admin notification for a paid payment link, on the real event store: with the setting on
// when the link was paid, one AdminNotificationRequested carries what the e-mail shows, however
// often the event is handled; with it off, nothing is requested.
import { defaultPaymentSettings, money, paymentLinkDecider, streamName, tenantDecider } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { Testbed } from '../testing/testbed.js';
import { withProviders } from '../testing/with-providers.js';
import type { ExtendedTestbed } from '../testing/with-providers.js';
import { LinkPaidNotifier, linkPaidNotificationId } from './link-paid-notifier.js';

describe('admin notification when a payment link is paid', () => {
  let bed: Testbed;
  let app: ExtendedTestbed;
  let notifier: LinkPaidNotifier;
  let customerId: string;
  let bookingId: string;
  const linkId = 'link-1';
  const paymentId = 'payment-1';

  beforeEach(async () => {
    bed = await Testbed.start();
    app = await withProviders(bed, [LinkPaidNotifier]);
    notifier = app.module.get(LinkPaidNotifier);
    await bed.seedTenant();
    customerId = await bed.seedCustomer();
    bookingId = await bed.seedBooking(customerId, 12_500);
  });
  afterEach(async () => {
    await app.close();
    await bed.dispose();
  });

  async function notifyAdmins(on: boolean): Promise<void> {
    const data = { tenantId: bed.tenantId, ...defaultPaymentSettings, notifyAdminsOnLinkPayment: on };
    await bed.runner.decide(streamName.tenant(bed.tenantId), tenantDecider, { type: 'UpdatePaymentSettings', data, context: bed.context() });
  }

  /** A link paid as the pay page records it; the decisions are the domain's, the charge is not needed here. */
  async function paidLink(): Promise<RecordedEvent> {
    const stream = streamName.paymentLink(linkId);
    const expiresAt = new Date(bed.clock.now().getTime() + 60_000).toISOString();
    const created = { linkId, customerId, bookingIds: [bookingId], amount: money(12_500, 'CAD'), tokenHash: 'f'.repeat(64), email: 'ada@example.com', expiresAt, chargesEnabled: true };
    await bed.runner.decide(stream, paymentLinkDecider, { type: 'CreatePaymentLink', data: created, context: bed.context() });
    await bed.runner.decide(stream, paymentLinkDecider, { type: 'PayPaymentLink', data: { linkId, paymentId }, context: bed.context() });
    await bed.runner.decide(stream, paymentLinkDecider, { type: 'RecordPaymentLinkPaid', data: { linkId, paymentId }, context: bed.context() });
    return (await bed.store.readStream(stream)).find((event) => event.type === 'PaymentLinkPaid')!;
  }

  const notifications = () => bed.store.readAll({ filter: { streamCategories: ['notification'] } });

  it('requests one notification with what the e-mail shows, however often the event is handled', async () => {
    const paid = await paidLink();
    await notifier.handle(paid);
    await notifier.handle(paid);
    const requested = await notifications();
    expect(requested.map((e) => e.type)).toEqual(['AdminNotificationRequested']);
    expect(requested[0]!.streamName).toBe(`notification-${linkPaidNotificationId(linkId)}`);
    expect(requested[0]!.data).toEqual({
      notificationId: linkPaidNotificationId(linkId),
      kind: 'LINK_PAID',
      linkId,
      paymentId,
      customerId,
      amount: { amountMinor: 12_500, currency: 'CAD' },
      bookingIds: [bookingId],
    });
    expect(requested[0]!.metadata).toMatchObject({ actor: 'SYSTEM:link-paid-notifier', tenant: bed.tenantId, causationId: paid.id });
  });

  it('requests nothing when the business turned the notification off', async () => {
    await notifyAdmins(false);
    expect(await notifier.handle(await paidLink())).toMatch(/turned off/);
    expect(await notifications()).toEqual([]);
  });

  it('follows the setting as it was when the link was paid', async () => {
    await notifyAdmins(false);
    const paidWhileOff = await paidLink();
    await notifyAdmins(true);
    await notifier.handle(paidWhileOff);
    expect(await notifications()).toEqual([]);
  });

  it("refuses an event of another tenant's link as not found", async () => {
    const paid = await paidLink();
    const foreign = { ...paid, metadata: { ...paid.metadata, tenant: 'someone-else' } };
    await expect(notifier.handle(foreign)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await notifications()).toEqual([]);
  });
});
