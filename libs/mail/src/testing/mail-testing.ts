/**
 * Test helpers for anything that sends e-mail: a real SMTP server on a free loopback port that
 * keeps what it receives, and a reader for the file outbox. Both parse messages with mailparser,
 * so tests assert on what a mail client would show. smtp-server and mailparser are development
 * dependencies, so they are loaded only when a helper is called, never by production code.
 */
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReceivedEmail {
  readonly messageId: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** A header's value as text, by lower-case name. */
  header(name: string): string | undefined;
  /** Envelope recipients, for the SMTP server only. */
  readonly envelopeTo?: readonly string[];
}

export async function parseEmail(raw: Buffer | string, envelopeTo?: readonly string[]): Promise<ReceivedEmail> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw);
  // `Name <address>` without the quotes mailparser adds, so tests compare what a person reads.
  const addressText = (value: typeof parsed.to): string =>
    (Array.isArray(value) ? value : value ? [value] : [])
      .flatMap((object) => object.value)
      .map((entry) => (entry.name ? `${entry.name} <${entry.address ?? ''}>` : (entry.address ?? '')))
      .join(', ');
  return {
    messageId: parsed.messageId,
    from: addressText(parsed.from),
    to: addressText(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    header: (name) => {
      const value = parsed.headers.get(name.toLowerCase());
      return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
    },
    ...(envelopeTo ? { envelopeTo } : {}),
  };
}

/** Every `.eml` file in an outbox directory, parsed, in file-name order. */
export async function readOutbox(dir: string): Promise<ReceivedEmail[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.eml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(names.map(async (name) => parseEmail(await readFile(join(dir, name)))));
}

export interface TestSmtpServer {
  /** `smtp://user:pass@127.0.0.1:<port>`, for SmtpMailer or SMTP_URL. */
  readonly url: string;
  readonly received: readonly ReceivedEmail[];
  /** Recipients the server refuses with a permanent error. */
  readonly refuse: Set<string>;
  /** Resolves once `count` messages have arrived, or rejects after the timeout. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedEmail[]>;
  close(): Promise<void>;
}

export const TEST_SMTP_USER = 'ledger';
export const TEST_SMTP_PASSWORD = 'test-secret';

/** A real SMTP server that requires the test credentials and keeps every message it accepts. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const { SMTPServer: Server } = await import('smtp-server');
  const received: ReceivedEmail[] = [];
  const refuse = new Set<string>();
  const server: SMTPServer = new Server({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === TEST_SMTP_USER && auth.password === TEST_SMTP_PASSWORD) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      else callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        parseEmail(Buffer.concat(chunks), envelopeTo).then(
          (email) => {
            received.push(email);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    const listening = server.listen(0, '127.0.0.1', () => resolve((listening.address() as { port: number }).port));
  });
  return {
    url: `smtp://${TEST_SMTP_USER}:${TEST_SMTP_PASSWORD}@127.0.0.1:${port}`,
    received,
    refuse,
    waitFor: (count, timeoutMs = 5_000) => waitForCount(received, count, timeoutMs),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitForCount(received: readonly ReceivedEmail[], count: number, timeoutMs: number): Promise<readonly ReceivedEmail[]> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} e-mail(s) at the test SMTP server, got ${received.length}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return received;
}
