// Goal: when a customer pays through a payment link, the administrators get one notice and the
// customer one receipt, however often the events are handled; a business without an admin
// address has its notice recorded as skipped; a card-on-file charge gets a receipt too.
// Method: the real flow on the Testbed (send the link, pay it with a sandbox test card, let
// LinkPaidNotifier record the request), then the mailing process managers handle the recorded
// events twice each, over a real SMTP server and over the file outbox.
import { streamName } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { ChargeBookingCommand } from '../commands/charge.commands.js';
import { PayPaymentLinkCommand, SendPaymentLinkCommand } from '../commands/payment-link.commands.js';
import { LinkPaidNotifier } from '../process-managers/link-paid-notifier.js';
import { adminNotificationEmailId } from './admin-notification-mailer.js';
import { emailStreamName } from './email-deliveries.js';
import { MailTestbed } from './mail-testbed.js';

describe.each(['smtp', 'outbox'] as const)('e-mails after a payment, over the %s', (transport) => {
  let mail: MailTestbed;
  let customerId: string;

  beforeEach(async () => {
    mail = await MailTestbed.start(transport);
  });
  afterEach(() => mail.dispose());

  async function seed(adminEmail: string | null = 'owner@sparkle.example'): Promise<void> {
    await mail.seedTenant(adminEmail);
    customerId = await mail.bed.seedCustomer();
    await mail.bed.seedBooking(customerId, 12_500, '2026-11-20');
  }

  const ofType = async (type: string): Promise<RecordedEvent> => (await mail.bed.store.readAll({ filter: { eventTypes: [type] } }))[0]!;

  /** Sends a link, pays it with a test card and lets the notifier request the admin notice. */
  async function payThroughLink(): Promise<void> {
    const sent = await mail.bed.commandBus.execute(new SendPaymentLinkCommand(mail.bed.caller, { customerId }));
    await mail.bed.commandBus.execute(new PayPaymentLinkCommand({ token: sent.token!, paymentMethodToken: 'pm_card_visa', saveCard: false }));
    await mail.bed.get(LinkPaidNotifier).handle(await ofType('PaymentLinkPaid'));
  }

  it('sends the administrators one notice and the customer one receipt, each handled twice', async () => {
    await seed();
    await payThroughLink();
    const requested = await ofType('AdminNotificationRequested');
    const charged = await ofType('Charged');
    expect(await mail.adminMailer.handle(requested)).toMatch(/^sent notification/);
    expect(await mail.adminMailer.handle(requested)).toMatch(/^already sent/);
    expect(await mail.receipts.handle(charged)).toMatch(/^sent receipt/);
    expect(await mail.receipts.handle(charged)).toMatch(/^already sent/);

    const received = await mail.received();
    expect(received).toHaveLength(2);
    const notice = received.find((email) => email.to === 'owner@sparkle.example')!;
    expect(notice.subject).toBe('Ada Lovelace paid CA$125.00 through a payment link');
    expect(notice.text).toContain('Ada Lovelace (ada@example.com) paid CA$125.00');
    expect(notice.text).toContain('Deep clean, 3 bedrooms');
    const receipt = received.find((email) => email.to === 'ada@example.com')!;
    expect(receipt.subject).toBe('Your receipt from Sparkle Cleaning: CA$125.00');
    expect(receipt.text).toMatch(/payment of CA\$125\.00 with your Visa card ending in 4242/);
  });

  if (transport === 'smtp') return;

  it('records the notice as skipped when the business gave no admin address', async () => {
    await seed(null);
    await payThroughLink();
    const requested = await ofType('AdminNotificationRequested');
    expect(await mail.adminMailer.handle(requested)).toMatch(/^skipped .*no admin e-mail address/);
    expect(await mail.adminMailer.handle(requested)).toMatch(/^skipped/);
    const { notificationId } = requested.data as { notificationId: string };
    expect(await mail.bed.eventTypes(emailStreamName(adminNotificationEmailId(notificationId)))).toEqual(['EmailSkipped']);
    expect((await mail.received()).filter((email) => email.to === 'owner@sparkle.example')).toHaveLength(0);
  });

  it('sends a receipt for a charge of a card on file', async () => {
    await seed();
    const bookingId = await mail.bed.seedBooking(customerId, 8_000, '2026-12-01');
    await mail.bed.seedCard(customerId, 'pm_card_mastercard');
    const { paymentId } = await mail.bed.commandBus.execute(new ChargeBookingCommand(mail.bed.caller, { bookingId, idempotencyKey: 'charge-1' }));
    const charged = (await mail.bed.store.readStream(streamName.payment(paymentId))).find((event) => event.type === 'Charged')!;
    await mail.receipts.handle(charged);
    await mail.receipts.handle(charged);
    const received = await mail.received();
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Your receipt from Sparkle Cleaning: CA$80.00');
    expect(received[0]!.text).toMatch(/Mastercard card ending in 4444/);
  });
});
