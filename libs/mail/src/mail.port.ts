/**
 * The Mailer port: the one place the ledger hands an e-mail to the outside world. It decides
 * nothing about whether an e-mail should go out; callers record that (see the application's
 * e-mail deliveries) and use the port only to deliver.
 *
 * Rules every adapter keeps:
 * - The message reaches the transport as one RFC 5322 message with a text and an HTML part.
 * - `messageId`, when given, becomes the Message-ID header and is what `send` answers with, so a
 *   caller that derives it from a fact names the same message when it has to send again.
 * - An invalid message is a `MailMessageError` and nothing is sent; a transport that cannot take
 *   the message is a `MailDeliveryError` (the caller may retry).
 *
 * It is an abstract class, not an interface, so that it can serve as a Nest injection token.
 */
export interface MailMessage {
  readonly to: string;
  /** Defaults to the adapter's configured sender (MAIL_FROM). */
  readonly from?: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** `<local@domain>`; a fresh one is generated when absent. */
  readonly messageId?: string;
  /** Extra headers (for example `X-Ledger-Email-Id`); names must be plain header tokens. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SentMail {
  /** The Message-ID header of the message delivered, angle brackets included. */
  readonly messageId: string;
}

export abstract class Mailer {
  abstract send(message: MailMessage): Promise<SentMail>;

  /** Releases connections or handles; the mailer is not used afterwards. */
  abstract close(): Promise<void>;
}

/** The message itself is wrong; sending it again will not help. */
export class MailMessageError extends Error {
  override readonly name = 'MailMessageError';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The transport did not take the message (server down, refused, disk full): retry later. */
export class MailDeliveryError extends Error {
  override readonly name = 'MailDeliveryError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
