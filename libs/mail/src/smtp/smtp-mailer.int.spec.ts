// Goal: the SMTP adapter keeps the Mailer contract against a real SMTP server, authenticates
// with the credentials in the URL, and reports a server that refuses or is absent as a delivery
// error the caller can retry.
// Method: the shared contract plus SMTP-only cases, each against an smtp-server started in the
// test on a free loopback port; what arrived is parsed with mailparser.
import { mailerContract } from '../contract/mailer.contract.js';
import type { MailerFixture } from '../contract/mailer.contract.js';
import { MailDeliveryError } from '../mail.port.js';
import { startTestSmtpServer, TEST_SMTP_PASSWORD } from '../testing/mail-testing.js';
import type { TestSmtpServer } from '../testing/mail-testing.js';
import { SmtpMailer } from './smtp-mailer.adapter.js';

const from = 'Sparkle Payments <payments@sparkle.example>';
const servers = new Map<MailerFixture, TestSmtpServer>();

mailerContract('SMTP (smtp-server on loopback)', {
  from,
  async open() {
    const server = await startTestSmtpServer();
    const fixture: MailerFixture = { mailer: new SmtpMailer({ url: server.url, from }), received: () => Promise.resolve(server.received) };
    servers.set(fixture, server);
    return fixture;
  },
  async close(fixture) {
    await fixture.mailer.close();
    await servers.get(fixture)?.close();
    servers.delete(fixture);
  },
});

describe('SmtpMailer', () => {
  let server: TestSmtpServer;
  const message = { to: 'ada@example.com', subject: 'Receipt', text: 'Thanks', html: '<p>Thanks</p>' };

  beforeEach(async () => {
    server = await startTestSmtpServer();
  });
  afterEach(async () => {
    await server.close();
  });

  async function sendWith(url: string, to = message.to): Promise<unknown> {
    const mailer = new SmtpMailer({ url, from, timeoutMs: 2_000 });
    try {
      return await mailer.send({ ...message, to });
    } finally {
      await mailer.close();
    }
  }

  it('delivers to the envelope recipient only', async () => {
    await sendWith(server.url);
    expect(server.received[0]!.envelopeTo).toEqual(['ada@example.com']);
  });

  it('reports a refused recipient as a delivery error', async () => {
    server.refuse.add('gone@example.com');
    await expect(sendWith(server.url, 'gone@example.com')).rejects.toThrow(MailDeliveryError);
    expect(server.received).toHaveLength(0);
  });

  it('reports wrong credentials as a delivery error without repeating the password', async () => {
    const error = (await sendWith(server.url.replace(TEST_SMTP_PASSWORD, 'wrong')).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error.message).not.toContain('wrong');
  });

  it('reports a server that is not there as a delivery error', async () => {
    const url = server.url;
    await server.close();
    await expect(sendWith(url)).rejects.toThrow(MailDeliveryError);
    server = await startTestSmtpServer();
  });
});
