/**
 * The Testbed with e-mail: the notification services built over its event store and clock, on
 * either a file outbox in the Testbed's directory or a real SMTP server started for the test.
 * The Testbed's own module stays without a mailer, so every other application test is unchanged.
 */
import { join } from 'node:path';
import { streamName, tenantDecider } from '@ledger/domain';
import { OutboxMailer, readOutbox, SmtpMailer, startTestSmtpServer } from '@ledger/mail';
import type { Mailer, MailSettings, ReceivedEmail, TestSmtpServer } from '@ledger/mail';
import { CommandContexts } from '../command-contexts.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { Testbed } from '../testing/testbed.js';
import { AdminNotificationMailer } from './admin-notification-mailer.js';
import { CustomerEmails } from './customer-emails.js';
import { EmailDeliveries } from './email-deliveries.js';
import { ReceiptMailer } from './receipt-mailer.js';

export const TEST_MAIL_SETTINGS: MailSettings = { from: 'Sparkle Payments <payments@sparkle.example>', publicUrl: 'https://pay.sparkle.example' };

export class MailTestbed {
  readonly deliveries: EmailDeliveries;
  readonly customerEmails: CustomerEmails;
  readonly adminMailer: AdminNotificationMailer;
  readonly receipts: ReceiptMailer;

  private constructor(
    readonly bed: Testbed,
    readonly mailer: Mailer,
    private readonly smtp: TestSmtpServer | undefined,
  ) {
    const reader = bed.get(LedgerReader);
    const contexts = bed.get(CommandContexts);
    this.deliveries = new EmailDeliveries(bed.store, mailer, TEST_MAIL_SETTINGS, bed.clock).configure({ retries: 0, pollMs: 5 });
    this.customerEmails = new CustomerEmails(reader, bed.runner, this.deliveries, TEST_MAIL_SETTINGS, contexts);
    this.adminMailer = new AdminNotificationMailer(reader, this.deliveries, contexts);
    this.receipts = new ReceiptMailer(reader, this.deliveries, contexts);
  }

  static async start(transport: 'outbox' | 'smtp'): Promise<MailTestbed> {
    const bed = await Testbed.start();
    if (transport === 'outbox') return new MailTestbed(bed, new OutboxMailer({ dir: join(bed.dir, 'outbox'), from: TEST_MAIL_SETTINGS.from }), undefined);
    const smtp = await startTestSmtpServer();
    return new MailTestbed(bed, new SmtpMailer({ url: smtp.url, from: TEST_MAIL_SETTINGS.from }), smtp);
  }

  /** Every e-mail delivered so far: the outbox's files or what the SMTP server received. */
  async received(): Promise<readonly ReceivedEmail[]> {
    return this.smtp ? this.smtp.received : readOutbox(join(this.bed.dir, 'outbox'));
  }

  /** The Testbed's tenant, with an administrators' address unless `null`, able to take cards. */
  async seedTenant(adminEmail: string | null = 'owner@sparkle.example'): Promise<void> {
    const { bed } = this;
    const tenantId = bed.tenantId;
    const stream = streamName.tenant(tenantId);
    const admin = adminEmail === null ? {} : { adminEmail };
    const data = { tenantId, slug: tenantId, name: 'Sparkle Cleaning', currency: 'CAD', timeZone: 'America/Toronto', ...admin };
    await bed.runner.decide(stream, tenantDecider, { type: 'CreateTenant', data, context: bed.context() });
    await bed.runner.decide(stream, tenantDecider, { type: 'StartStripeConnect', data: { tenantId, accountId: 'acct_sandbox' }, context: bed.context() });
    const active = { tenantId, accountId: 'acct_sandbox', chargesEnabled: true, state: 'ACTIVE' as const };
    await bed.runner.decide(stream, tenantDecider, { type: 'UpdateStripeAccount', data: active, context: bed.context() });
  }

  async dispose(): Promise<void> {
    await this.mailer.close();
    await this.smtp?.close();
    await this.bed.dispose();
  }
}
