/**
 * The Mailer contract: one suite that every adapter's integration spec runs, asserting on what
 * arrived (parsed as a mail client would), never on how the adapter produced it.
 */
import type { ReceivedEmail } from '../testing/mail-testing.js';
import { MailMessageError } from '../mail.port.js';
import type { MailMessage, Mailer } from '../mail.port.js';

export interface MailerFixture {
  readonly mailer: Mailer;
  /** Everything delivered so far, oldest first. */
  received(): Promise<readonly ReceivedEmail[]>;
}

export interface MailerContractTarget {
  /** The sender the adapter was built with. */
  readonly from: string;
  open(): Promise<MailerFixture>;
  close(fixture: MailerFixture): Promise<void>;
}

const message: MailMessage = {
  to: 'Zoë Müller <zoe@example.com>',
  subject: 'Your payment to Sparkle Cleaning & Co — $125.00',
  text: 'Hello Zoë,\nplease pay CA$125.00.\n',
  html: '<p>Hello Zoë,</p><p>please pay <strong>CA$125.00</strong> &amp; thanks.</p>',
};

export function mailerContract(name: string, target: MailerContractTarget): void {
  describe(`Mailer contract: ${name}`, () => {
    let fixture: MailerFixture;

    beforeEach(async () => {
      fixture = await target.open();
    });
    afterEach(async () => {
      await target.close(fixture);
    });

    it('delivers one message with its recipient, subject, text and HTML intact', async () => {
      await fixture.mailer.send(message);
      const [email, ...more] = await fixture.received();
      expect(more).toHaveLength(0);
      expect(email!.to).toBe('Zoë Müller <zoe@example.com>');
      expect(email!.subject).toBe(message.subject);
      expect(email!.text.trim()).toBe(message.text.trim());
      expect(email!.html).toContain('<strong>CA$125.00</strong> &amp; thanks.');
    });

    it('sends from the configured sender unless the message names another', async () => {
      await fixture.mailer.send({ ...message, subject: 'default sender' });
      await fixture.mailer.send({ ...message, subject: 'named sender', from: 'Front Desk <desk@example.org>' });
      const received = await fixture.received();
      expect(received.find((email) => email.subject === 'default sender')?.from).toBe(target.from);
      expect(received.find((email) => email.subject === 'named sender')?.from).toBe('Front Desk <desk@example.org>');
    });

    it('keeps a given Message-ID and answers with the one it sent', async () => {
      const given = await fixture.mailer.send({ ...message, messageId: '<link-42@example.com>' });
      const generated = await fixture.mailer.send({ ...message, subject: 'Second' });
      expect(given.messageId).toBe('<link-42@example.com>');
      expect(generated.messageId).toMatch(/^<.+@.+>$/);
      const ids = (await fixture.received()).map((email) => email.messageId).sort();
      expect(ids).toEqual([given.messageId, generated.messageId].sort());
    });

    it('adds the extra headers asked for', async () => {
      await fixture.mailer.send({ ...message, headers: { 'X-Ledger-Email-Id': 'email-7' } });
      const [email] = await fixture.received();
      expect(email!.header('x-ledger-email-id')).toBe('email-7');
    });

    it.each<[string, Partial<MailMessage>, string]>([
      ['no recipient', { to: '' }, 'to'],
      ['two recipients', { to: 'a@example.com, b@example.com' }, 'to'],
      ['a recipient with a line break', { to: 'a@example.com\r\nBcc: evil@example.com' }, 'to'],
      ['a subject with a line break', { subject: 'Hi\r\nBcc: evil@example.com' }, 'subject'],
      ['an empty subject', { subject: ' ' }, 'subject'],
      ['a malformed Message-ID', { messageId: 'link-42' }, 'messageId'],
      ['a header name that is not a token', { headers: { 'X Bad': 'v' } }, 'headers'],
    ])('refuses a message with %s and sends nothing', async (_case, change, field) => {
      await expect(fixture.mailer.send({ ...message, ...change })).rejects.toThrow(MailMessageError);
      await expect(fixture.mailer.send({ ...message, ...change })).rejects.toMatchObject({ field: expect.stringContaining(field) as unknown });
      expect(await fixture.received()).toHaveLength(0);
    });
  });
}
