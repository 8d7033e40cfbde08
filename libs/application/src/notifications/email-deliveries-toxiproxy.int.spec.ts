// Goal: an e-mail survives a connection reset while it is being sent. A reset before the server
// took the message: the claim is released, and after recovery the e-mail goes out exactly once.
// A reset that loses only the server's "accepted": the resend is the one duplicate SMTP allows,
// with the same Message-ID so mail clients fold it, and the ledger still records one EmailSent.
// Either way the claim is recorded before anything is sent.
// Method: EmailDeliveries on a real SQLite event store -> the real SmtpMailer -> a real Toxiproxy
// -> a real smtp-server (startTestSmtpServer). The upstream is slowed (64 KB/s for a message of
// a few hundred KB) so the reset, added a second into the send, lands while the message body is
// on the wire, well after the SMTP handshake and well before the end; the assertions on what the
// server received would catch a reset that landed elsewhere.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteEventStore } from '@ledger/event-store';
import { MailDeliveryError, messageIdFor, SmtpMailer, startTestSmtpServer } from '@ledger/mail';
import type { TestSmtpServer } from '@ledger/mail';
import { describeWithToxiproxy, FaultyNetwork } from '@ledger/testing';
import type { Direction, FaultyLink } from '@ledger/testing';
import { ManualClock } from '../clock.port.js';
import { EmailDeliveries, emailStreamName } from './email-deliveries.js';
import type { Composition, EmailRequest } from './email-deliveries.js';

const settings = { from: 'Sparkle Payments <payments@sparkle.example>', publicUrl: 'https://pay.sparkle.example' };

describeWithToxiproxy('EmailDeliveries over SMTP behind Toxiproxy', () => {
  let dir: string;
  let store: SqliteEventStore;
  let network: FaultyNetwork;
  let server: TestSmtpServer;
  let link: FaultyLink;
  let mailer: SmtpMailer;
  let deliveries: EmailDeliveries;

  beforeAll(async () => {
    network = await FaultyNetwork.connect();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-mail-toxiproxy-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    server = await startTestSmtpServer();
    link = await network.proxy('smtp', new URL(server.url).host);
    const url = new URL(server.url);
    url.host = link.address;
    mailer = new SmtpMailer({ url: url.toString(), from: settings.from, timeoutMs: 5_000 });
    // No retries inside deliver: the test decides when the network is healthy again.
    deliveries = new EmailDeliveries(store, mailer, settings, new ManualClock()).configure({ retries: 0, pollMs: 5 });
  });
  afterEach(async () => {
    await mailer.close();
    await network.removeAll();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function receipt(): { request: EmailRequest; compose: () => Promise<Composition> } {
    const emailId = randomUUID();
    const context = { commandId: randomUUID(), tenant: 'sparkle', actor: { kind: 'SYSTEM' as const, id: 'test' }, now: '2026-11-22T10:00:00.000Z' };
    const body = 'Thank you for your payment. '.repeat(4_000);
    const send = { to: 'ada@example.com', subject: 'Your receipt', text: body, html: `<p>${body}</p>` };
    return { request: { emailId, kind: 'RECEIPT', context }, compose: () => Promise.resolve({ send }) };
  }
  const recorded = async (emailId: string) => (await store.readStream(emailStreamName(emailId))).map((event) => event.type);

  /** Starts the delivery on a slow link and resets the connection a second in, in one direction. */
  async function deliverWithReset(email: ReturnType<typeof receipt>, direction: Direction): Promise<unknown> {
    await link.bandwidth(64, { direction: 'upstream' });
    const delivering = deliveries.deliver(email.request, email.compose).catch((error: unknown) => error);
    await sleep(1_000);
    // The claim is in the log before the message is: a crash now would be taken over, not forgotten.
    expect(await recorded(email.request.emailId)).toEqual(['EmailSendClaimed']);
    await link.resetPeer({ direction });
    const outcome = await delivering;
    await link.heal();
    return outcome;
  }

  it('sends exactly once after a reset cut the message off mid-body', async () => {
    const email = receipt();
    expect(await deliverWithReset(email, 'upstream')).toBeInstanceOf(MailDeliveryError);
    expect(server.received).toHaveLength(0);
    expect(await recorded(email.request.emailId)).toEqual(['EmailSendClaimed', 'EmailSendFailed']);

    const messageId = messageIdFor(email.request.emailId, settings.from);
    await expect(deliveries.deliver(email.request, email.compose)).resolves.toMatchObject({ status: 'SENT', messageId });
    await expect(deliveries.deliver(email.request, email.compose)).resolves.toMatchObject({ status: 'ALREADY_SENT', messageId });
    expect(server.received.map((received) => received.messageId)).toEqual([messageId]);
    expect(await recorded(email.request.emailId)).toEqual(['EmailSendClaimed', 'EmailSendFailed', 'EmailSendClaimed', 'EmailSent']);
  });

  it('resends with the same Message-ID when the reset lost only the server\'s acceptance, and records one EmailSent', async () => {
    const email = receipt();
    // Downstream: the next thing the server says, its "250 accepted" after the body, is cut.
    expect(await deliverWithReset(email, 'downstream')).toBeInstanceOf(MailDeliveryError);
    const messageId = messageIdFor(email.request.emailId, settings.from);
    expect(server.received.map((received) => received.messageId)).toEqual([messageId]);

    await expect(deliveries.deliver(email.request, email.compose)).resolves.toMatchObject({ status: 'SENT', messageId });
    expect(server.received.map((received) => received.messageId)).toEqual([messageId, messageId]);
    expect(server.received.map((received) => received.header('x-ledger-email-id'))).toEqual([email.request.emailId, email.request.emailId]);
    const events = await recorded(email.request.emailId);
    expect(events.filter((type) => type === 'EmailSent')).toHaveLength(1);
  });
});
