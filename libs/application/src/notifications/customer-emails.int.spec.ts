// Goal: the payment link and add-card e-mails show what the ledger recorded (business, customer,
// bookings, amounts, expiry) with the customer's secret link, a preview sends nothing and shows
// a marked placeholder, and asking to send twice sends one e-mail.
// Method: the real commands on the Testbed (SQLite event store, sandbox processor), then
// CustomerEmails over the file outbox, and once over a real SMTP server; assert on the parsed
// e-mails and on the email-<id> streams.
import { streamName } from '@ledger/domain';
import { RequestCardCommand } from '../commands/customer.commands.js';
import { SendPaymentLinkCommand } from '../commands/payment-link.commands.js';
import type { PaymentLinkSent, SendPaymentLinkInput } from '../commands/payment-link.commands.js';
import { LINK_TOKEN_PLACEHOLDER, paymentLinkEmailId } from './customer-emails.js';
import { emailStreamName } from './email-deliveries.js';
import { MailTestbed } from './mail-testbed.js';

describe.each(['outbox', 'smtp'] as const)('CustomerEmails over the %s', (transport) => {
  let mail: MailTestbed;
  let customerId: string;

  beforeEach(async () => {
    mail = await MailTestbed.start(transport);
    await mail.seedTenant();
    customerId = await mail.bed.seedCustomer();
    await mail.bed.seedBooking(customerId, 12_500, '2026-11-20');
    await mail.bed.seedBooking(customerId, 4_050, '2026-11-27');
  });
  afterEach(() => mail.dispose());

  const sendLink = (input: Partial<SendPaymentLinkInput> = {}): Promise<PaymentLinkSent> =>
    mail.bed.commandBus.execute(new SendPaymentLinkCommand(mail.bed.caller, { customerId, ...input }));

  it('sends the payment link e-mail once, with the secure link, bookings, total and expiry', async () => {
    const sent = await sendLink();
    const first = await mail.customerEmails.paymentLink(mail.bed.caller, sent, { previewOnly: false });
    const again = await mail.customerEmails.paymentLink(mail.bed.caller, sent, { previewOnly: false });
    expect(first.status).toBe('SENT');
    expect(again).toEqual({ ...first, status: 'ALREADY_SENT' });
    const received = await mail.received();
    expect(received).toHaveLength(1);
    const [email] = received;
    expect(email!.to).toBe('ada@example.com');
    expect(email!.subject).toBe('Payment request from Sparkle Cleaning: CA$165.50');
    expect(email!.messageId).toBe(first.messageId);
    expect(email!.text).toContain(`Complete Payment: https://pay.sparkle.example/pay/${sent.token!}`);
    expect(email!.html).toContain(`href="https://pay.sparkle.example/pay/${sent.token!}"`);
    for (const part of ['Hello Ada Lovelace', 'Deep clean, 3 bedrooms', 'November 20, 2026', 'CA$125.00', 'CA$40.50', 'until November 29, 2026']) {
      expect(email!.text).toContain(part);
    }
    expect(first).toMatchObject({ to: email!.to, subject: email!.subject, text: email!.text });
  });

  it('previews exactly that e-mail without a token, sending and recording nothing', async () => {
    const preview = await sendLink({ previewOnly: true });
    const email = await mail.customerEmails.paymentLink(mail.bed.caller, preview, { previewOnly: true });
    expect(email.status).toBe('PREVIEW');
    expect(email.to).toBe('ada@example.com');
    expect(email.subject).toBe('Payment request from Sparkle Cleaning: CA$165.50');
    expect(email.text).toContain(`https://pay.sparkle.example/pay/${LINK_TOKEN_PLACEHOLDER}`);
    expect(email.html).toContain('CA$165.50');
    expect(await mail.received()).toHaveLength(0);
    expect(await mail.bed.store.readAll({ filter: { streamCategories: ['email'] } })).toEqual([]);
  });

  if (transport === 'smtp') return;

  it('records the delivery in the log without the secret token', async () => {
    const sent = await sendLink();
    await mail.customerEmails.paymentLink(mail.bed.caller, sent, { previewOnly: false });
    const events = await mail.bed.store.readStream(emailStreamName(paymentLinkEmailId(sent.linkId!)));
    expect(events.map((event) => event.type)).toEqual(['EmailSendClaimed', 'EmailSent']);
    expect(events[1]!.data).toMatchObject({ kind: 'PAYMENT_LINK', to: 'ada@example.com' });
    expect(events[1]!.metadata).toMatchObject({ tenant: mail.bed.tenantId, actor: 'API_KEY:test-key' });
    const everything = JSON.stringify(await mail.bed.store.readAll({}));
    expect(everything).not.toContain(sent.token!.split('.')[1]);
  });

  it('answers a repeated request (no token) with the e-mail already sent, without sending', async () => {
    const first = await sendLink({ idempotencyKey: 'send-1' });
    await mail.customerEmails.paymentLink(mail.bed.caller, first, { previewOnly: false });
    const repeat = await sendLink({ idempotencyKey: 'send-1' });
    expect(repeat.token).toBeUndefined();
    const email = await mail.customerEmails.paymentLink(mail.bed.caller, repeat, { previewOnly: false });
    expect(email.status).toBe('ALREADY_SENT');
    expect(email.text).toContain(LINK_TOKEN_PLACEHOLDER);
    expect(await mail.received()).toHaveLength(1);
  });

  it("refuses a token that is not the link's, and another tenant's link", async () => {
    const sent = await sendLink();
    const other = await sendLink();
    await expect(mail.customerEmails.paymentLink(mail.bed.caller, { ...sent, token: other.token! }, { previewOnly: false })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const stranger = { ...mail.bed.caller, tenant: 'someone-else' };
    await expect(mail.customerEmails.paymentLink(stranger, sent, { previewOnly: false })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await mail.received()).toHaveLength(0);
  });

  it('sends the add-card e-mail once, with the add-card link', async () => {
    const result = await mail.bed.commandBus.execute(new RequestCardCommand(mail.bed.caller, { customerId }));
    const first = await mail.customerEmails.cardRequest(mail.bed.caller, result);
    const again = await mail.customerEmails.cardRequest(mail.bed.caller, result);
    expect([first.status, again.status]).toEqual(['SENT', 'ALREADY_SENT']);
    const received = await mail.received();
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Sparkle Cleaning asks you to add a payment card');
    expect(received[0]!.text).toContain(`Add Your Card: https://pay.sparkle.example/card/${result.token}`);
    expect(await mail.bed.eventTypes(streamName.customer(customerId))).toContain('CardRequested');
  });
});
