// Goal: an e-mail recorded through EmailDeliveries goes out once: concurrent senders send one
// message, a failed send is released and retried, a sender that died mid-send is taken over
// after its lease (same Message-ID), and a skip is final.
// Method: a real SQLite event store and a hand-moved clock, with a mailer that counts (and can
// fail) wrapped around a real file outbox; assert on the email-<id> stream and on the files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@ledger/event-store';
import { MailDeliveryError, Mailer, OutboxMailer, readOutbox } from '@ledger/mail';
import type { MailMessage, SentMail } from '@ledger/mail';
import { ManualClock } from '../clock.port.js';
import { EmailDeliveries, emailStreamName } from './email-deliveries.js';
import type { Composition, EmailRequest } from './email-deliveries.js';
const TEST_MAIL_SETTINGS = { from: 'Sparkle Payments <payments@sparkle.example>', publicUrl: 'https://pay.sparkle.example' };

class FlakyMailer extends Mailer {
  calls = 0;
  failures = 0;
  gate: Promise<void> = Promise.resolve();

  constructor(private readonly inner: Mailer) {
    super();
  }

  async send(message: MailMessage): Promise<SentMail> {
    this.calls++;
    await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new MailDeliveryError('connection refused');
    }
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('EmailDeliveries', () => {
  let dir: string;
  let store: SqliteEventStore;
  let clock: ManualClock;
  let mailer: FlakyMailer;
  let deliveries: EmailDeliveries;
  const request: EmailRequest = {
    emailId: '0b7a41c2-0000-8000-8000-000000000001',
    kind: 'RECEIPT',
    context: { commandId: 'c-1', tenant: 'sparkle-cleaning', actor: { kind: 'SYSTEM', id: 'test' }, now: '2026-11-22T10:00:00.000Z' },
  };
  const message: Composition = { send: { to: 'ada@example.com', subject: 'Receipt', text: 'Thanks', html: '<p>Thanks</p>' } };
  const compose = () => Promise.resolve(message);
  const stream = () => store.readStream(emailStreamName(request.emailId)).then((events) => events.map((event) => event.type));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-deliveries-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    clock = new ManualClock();
    mailer = new FlakyMailer(new OutboxMailer({ dir: join(dir, 'outbox'), from: TEST_MAIL_SETTINGS.from }));
    deliveries = new EmailDeliveries(store, mailer, TEST_MAIL_SETTINGS, clock).configure({ retries: 0, pollMs: 5, leaseMs: 60_000 });
  });
  afterEach(async () => {
    await mailer.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends once when two senders race for the same e-mail', async () => {
    let open!: () => void;
    mailer.gate = new Promise((resolve) => (open = resolve));
    const both = Promise.all([deliveries.deliver(request, compose), deliveries.deliver(request, compose)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    open();
    const results = await both;
    expect(results.map((result) => result.status).sort()).toEqual(['ALREADY_SENT', 'SENT']);
    expect(mailer.calls).toBe(1);
    expect(await stream()).toEqual(['EmailSendClaimed', 'EmailSent']);
    expect(await readOutbox(join(dir, 'outbox'))).toHaveLength(1);
  });

  it('releases a failed send and sends on the next attempt', async () => {
    mailer.failures = 1;
    await expect(deliveries.deliver(request, compose)).rejects.toThrow(MailDeliveryError);
    expect(await deliveries.status(request.emailId, request.context.tenant)).toBe('FAILED');
    expect(await deliveries.deliver(request, compose)).toMatchObject({ status: 'SENT' });
    expect(await stream()).toEqual(['EmailSendClaimed', 'EmailSendFailed', 'EmailSendClaimed', 'EmailSent']);
  });

  it('retries a failing mail server by itself when told to', async () => {
    deliveries.configure({ retries: 2, retryMinMs: 1 });
    mailer.failures = 2;
    expect(await deliveries.deliver(request, compose)).toMatchObject({ status: 'SENT' });
    expect(mailer.calls).toBe(3);
  });

  it('takes over a claim whose sender died once the lease is over, under the same Message-ID', async () => {
    const claim = { emailId: request.emailId, kind: 'RECEIPT', to: 'ada@example.com', subject: 'Receipt', claimedAt: clock.now().toISOString() };
    await store.appendToStream(emailStreamName(request.emailId), [{ id: '0b7a41c2-0000-8000-8000-0000000000aa', type: 'EmailSendClaimed', data: claim, metadata: { tenant: request.context.tenant } }], {
      expectedRevision: 'no_stream',
    });
    const waiting = deliveries.deliver(request, compose);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(mailer.calls).toBe(0);
    clock.advance(60_001);
    const delivery = await waiting;
    expect(delivery).toMatchObject({ status: 'SENT', messageId: `<${request.emailId}@sparkle.example>` });
    expect(await stream()).toEqual(['EmailSendClaimed', 'EmailSendClaimed', 'EmailSent']);
  });

  it('records a skip once and never sends after it', async () => {
    expect(await deliveries.deliver(request, () => Promise.resolve({ skip: 'no address' }))).toEqual({ status: 'SKIPPED', reason: 'no address' });
    expect(await deliveries.deliver(request, compose)).toEqual({ status: 'SKIPPED', reason: 'no address' });
    expect(mailer.calls).toBe(0);
    expect(await stream()).toEqual(['EmailSkipped']);
  });

  it("treats another tenant's e-mail as unknown", async () => {
    await deliveries.deliver(request, compose);
    const foreign = { ...request, context: { ...request.context, tenant: 'someone-else' } };
    await expect(deliveries.deliver(foreign, compose)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
