// Goal: the Nest module provides the mailer the configuration names (the file outbox when
// SMTP_URL is unset, SMTP when it is set) and the settings links are written with.
// Method: compile MailModule.forRoot with configurations from loadConfiguration; send through
// the provided mailer to a temporary outbox and to a real SMTP server.
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '@ledger/config';
import { MailModule, MailSettings } from './mail.module.js';
import { Mailer } from './mail.port.js';
import { OutboxMailer } from './outbox/outbox-mailer.adapter.js';
import { SmtpMailer } from './smtp/smtp-mailer.adapter.js';
import { readOutbox, startTestSmtpServer } from './testing/mail-testing.js';

describe('MailModule', () => {
  let dir: string;
  const message = { to: 'ada@example.com', subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-mail-module-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes to DATA_DIR/outbox when SMTP_URL is not set', async () => {
    const config = loadConfiguration({ DATA_DIR: dir, PUBLIC_URL: 'https://pay.example.com/' });
    const module = await Test.createTestingModule({ imports: [MailModule.forRoot(config)] }).compile();
    expect(module.get(Mailer)).toBeInstanceOf(OutboxMailer);
    expect(module.get(MailSettings)).toEqual({ from: config.mail.from, publicUrl: 'https://pay.example.com' });
    await module.get(Mailer).send(message);
    await module.close();
    expect((await readOutbox(join(dir, 'outbox'))).map((email) => email.subject)).toEqual(['Hello']);
  });

  it('sends by SMTP from MAIL_FROM when SMTP_URL is set', async () => {
    const server = await startTestSmtpServer();
    try {
      const config = loadConfiguration({ DATA_DIR: dir, SMTP_URL: server.url, MAIL_FROM: 'Sparkle <payments@sparkle.example>' });
      const module = await Test.createTestingModule({ imports: [MailModule.forRoot(config)] }).compile();
      expect(module.get(Mailer)).toBeInstanceOf(SmtpMailer);
      await module.get(Mailer).send(message);
      await module.close();
      expect(server.received.map((email) => email.from)).toEqual(['Sparkle <payments@sparkle.example>']);
    } finally {
      await server.close();
    }
  });
});
