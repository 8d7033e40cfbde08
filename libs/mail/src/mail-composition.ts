/**
 * What both adapters do before handing a message to nodemailer: check it, fill in the sender,
 * and map it to nodemailer's options. Checking here, not in each adapter, keeps the adapters'
 * behaviour identical for the contract suite.
 */
import type { SendMailOptions } from 'nodemailer';
import { MailMessageError } from './mail.port.js';
import type { MailMessage } from './mail.port.js';

const bareAddress = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const namedAddress = /^[^<>\r\n]*<([^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)>$/;
const messageIdPattern = /^<[^\s<>@]+@[^\s<>@]+>$/;
const headerName = /^[A-Za-z0-9-]{1,76}$/;

/** Header values must not start a new header: a CR or LF there would let input add recipients. */
function requireSingleLine(value: string, field: string): void {
  if (/[\r\n]/.test(value)) throw new MailMessageError(field, `${field} must be a single line`);
}

export function isMailAddress(value: string): boolean {
  return bareAddress.test(value) || namedAddress.test(value);
}

function requireAddress(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 320) throw new MailMessageError(field, `${field} must be one e-mail address`);
  requireSingleLine(value, field);
  if (!isMailAddress(value.trim())) throw new MailMessageError(field, `${field} must be one e-mail address`);
  return value.trim();
}

function requireHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!headerName.test(name)) throw new MailMessageError('headers', `header name ${JSON.stringify(name)} is not a plain token`);
    requireSingleLine(value, `headers.${name}`);
    checked[name] = value;
  }
  return checked;
}

/** Checks the message and returns nodemailer's options for it. */
export function composeMail(message: MailMessage, defaultFrom: string): SendMailOptions {
  const to = requireAddress(message.to, 'to');
  const from = requireAddress(message.from ?? defaultFrom, 'from');
  if (typeof message.subject !== 'string' || message.subject.trim() === '') throw new MailMessageError('subject', 'subject must not be empty');
  requireSingleLine(message.subject, 'subject');
  if (typeof message.html !== 'string' || typeof message.text !== 'string') throw new MailMessageError('body', 'html and text are both required');
  if (message.messageId !== undefined && !messageIdPattern.test(message.messageId)) {
    throw new MailMessageError('messageId', 'messageId must look like <local@domain>');
  }
  return {
    from,
    to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: requireHeaders(message.headers),
    ...(message.messageId ? { messageId: message.messageId } : {}),
    // Content is only what the caller passed: nodemailer must never read a file or URL for it.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * A Message-ID for an e-mail the ledger names itself, so the same e-mail sent twice carries the
 * same id and mail clients and servers can see it is a repeat. The domain is the sender's.
 */
export function messageIdFor(emailId: string, from: string): string {
  const address = namedAddress.exec(from.trim())?.[1] ?? from.trim();
  const domain = address.slice(address.lastIndexOf('@') + 1).replace(/[^A-Za-z0-9.-]/g, '') || 'ledger.localhost';
  const local = emailId.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/g, '') || 'email';
  return `<${local}@${domain}>`;
}
