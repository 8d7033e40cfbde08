// Goal: the file outbox keeps the Mailer contract and writes each e-mail once, whole and
// readable: a real RFC 822 file per Message-ID, never a half-written one.
// Method: the shared contract plus outbox-only cases on a fresh temporary directory, reading
// the files back with mailparser.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mailerContract } from '../contract/mailer.contract.js';
import type { MailerFixture } from '../contract/mailer.contract.js';
import { readOutbox } from '../testing/mail-testing.js';
import { OutboxMailer } from './outbox-mailer.adapter.js';

const from = 'Sparkle Payments <payments@sparkle.example>';
const directories = new Map<MailerFixture, string>();

mailerContract('file outbox', {
  from,
  open() {
    const root = mkdtempSync(join(tmpdir(), 'ledger-outbox-'));
    const dir = join(root, 'outbox');
    const fixture: MailerFixture = { mailer: new OutboxMailer({ dir, from }), received: () => readOutbox(dir) };
    directories.set(fixture, root);
    return Promise.resolve(fixture);
  },
  async close(fixture) {
    await fixture.mailer.close();
    rmSync(directories.get(fixture) ?? '', { recursive: true, force: true });
    directories.delete(fixture);
  },
});

describe('OutboxMailer', () => {
  let root: string;
  let dir: string;
  let mailer: OutboxMailer;
  const message = { to: 'ada@example.com', subject: 'Receipt', text: 'Thanks', html: '<p>Thanks</p>' };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ledger-outbox-'));
    dir = join(root, 'data', 'outbox');
    mailer = new OutboxMailer({ dir, from });
  });
  afterEach(async () => {
    await mailer.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the directory and leaves only finished .eml files in it', async () => {
    await Promise.all([1, 2, 3].map((n) => mailer.send({ ...message, subject: `Receipt ${n}` })));
    const names = readdirSync(dir);
    expect(names).toHaveLength(3);
    expect(names.every((name) => name.endsWith('.eml') && !name.startsWith('.'))).toBe(true);
    const raw = readFileSync(join(dir, names[0]!), 'utf8');
    expect(raw).toContain('\r\nMIME-Version: 1.0\r\n');
    expect(raw).toContain('Content-Type: multipart/alternative');
  });

  it('replaces the file of an e-mail sent again under the same Message-ID', async () => {
    await mailer.send({ ...message, messageId: '<receipt-1@sparkle.example>' });
    await mailer.send({ ...message, messageId: '<receipt-1@sparkle.example>', text: 'Thanks again' });
    const emails = await readOutbox(dir);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text.trim()).toBe('Thanks again');
    expect(readdirSync(dir)[0]).toMatch(/^receipt-1@sparkle\.example\.[0-9a-f]{12}\.eml$/);
  });
});
