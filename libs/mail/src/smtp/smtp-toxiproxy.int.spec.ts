// Goal: the SMTP adapter over a bad network: a slow or sliced link still delivers the message
// byte for byte (same Message-ID), while a reset mid-message or a server that stops answering is
// a MailDeliveryError the caller can retry, within the adapter's timeout, never a hang and never
// a half-delivered message.
// Method: the real SmtpMailer -> a real Toxiproxy -> a real smtp-server on loopback
// (startTestSmtpServer); what arrived is parsed with mailparser.
import { describeWithToxiproxy, FaultyNetwork } from '@ledger/testing';
import type { FaultyLink } from '@ledger/testing';
import { MailDeliveryError } from '../mail.port.js';
import type { MailMessage } from '../mail.port.js';
import { startTestSmtpServer } from '../testing/mail-testing.js';
import type { TestSmtpServer } from '../testing/mail-testing.js';
import { SmtpMailer } from './smtp-mailer.adapter.js';

const from = 'Sparkle Payments <payments@sparkle.example>';
const TIMEOUT_MS = 1_000;

describeWithToxiproxy('SmtpMailer behind Toxiproxy', () => {
  let network: FaultyNetwork;
  let server: TestSmtpServer;
  let link: FaultyLink;
  let mailer: SmtpMailer;
  let seq = 0;

  beforeAll(async () => {
    network = await FaultyNetwork.connect();
  });
  beforeEach(async () => {
    server = await startTestSmtpServer();
    link = await network.proxy('smtp', new URL(server.url).host);
    const url = new URL(server.url);
    url.host = link.address;
    mailer = new SmtpMailer({ url: url.toString(), from, timeoutMs: TIMEOUT_MS });
  });
  afterEach(async () => {
    await mailer.close();
    await network.removeAll();
    await server.close();
  });

  function message(size = 0): MailMessage {
    const n = ++seq;
    const body = `Receipt ${n}. `.padEnd(size, 'Thank you for your payment. ');
    return { to: 'ada@example.com', subject: `Receipt ${n}`, text: body, html: `<p>${body}</p>`, messageId: `<receipt-${n}@sparkle.example>` };
  }

  it('delivers through latency and a link that slices every packet, unchanged', async () => {
    await link.latency(150, { direction: 'downstream' });
    await link.slicer({ averageBytes: 16, variationBytes: 8, delayUs: 10, direction: 'upstream' });
    const sent = message(4_000);
    await expect(mailer.send(sent)).resolves.toEqual({ messageId: sent.messageId });
    const [received] = await server.waitFor(1);
    expect(received).toMatchObject({ messageId: sent.messageId, subject: sent.subject });
    expect(received!.text.trim()).toBe(sent.text.trim());
  });

  it('reports a reset in the middle of the message as a delivery error, and nothing arrives', async () => {
    // 64 KB/s for a ~200 KB message: the reset lands well inside the message body.
    await link.bandwidth(64, { direction: 'upstream' });
    const sending = mailer.send(message(200_000)).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await link.resetPeer({ direction: 'upstream' });
    expect(await sending).toBeInstanceOf(MailDeliveryError);
    expect(server.received).toHaveLength(0);
  });

  it('gives up on a server that stops answering within its timeout, as a delivery error', async () => {
    await link.stall();
    const started = Date.now();
    const error = await mailer.send(message()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_000);
    await link.heal();
    await expect(mailer.send(message())).resolves.toBeDefined();
    expect(server.received).toHaveLength(1);
  });
});
