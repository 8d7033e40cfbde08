/**
 * E-mail deliveries, recorded in the event store so an e-mail is neither lost nor doubled.
 *
 * Each e-mail the ledger sends has an id derived from the fact it is about (the payment link,
 * the card request, the admin notification, the payment), and a stream `email-<id>`:
 *
 *   EmailSendClaimed -> (the mailer is called) -> EmailSent | EmailSendFailed
 *   EmailSkipped (nothing to send, e.g. the business has no admin address)
 *
 * The claim is appended at the revision that was read, so of two concurrent senders only one
 * calls the mailer; the other waits for the outcome. A claim without an outcome after the lease
 * (its sender died) is taken over. An e-mail already sent or skipped is never sent again.
 *
 * Delivery is at least once: a crash after the mail server accepted the message and before
 * `EmailSent` was appended sends it again after the lease. The repeat carries the same
 * Message-ID (derived from the e-mail id), so the outbox replaces its file and mail clients can
 * recognise the duplicate. The e-mail's body is not recorded, because it may hold a secret link.
 */
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { DomainError, eventMetadataFor } from '@ledger/domain';
import type { CommandContext } from '@ledger/domain';
import { EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import type { ExpectedRevision, RecordedEvent } from '@ledger/event-store';
import { MailDeliveryError, Mailer, MailMessageError, MailSettings, messageIdFor } from '@ledger/mail';
import type { MailMessage } from '@ledger/mail';
import { Clock } from '../clock.port.js';
import { deriveId } from '../ids.js';

export const emailKinds = ['PAYMENT_LINK', 'CARD_REQUEST', 'ADMIN_LINK_PAID', 'RECEIPT'] as const;
export type EmailKind = (typeof emailKinds)[number];

export type EmailSendClaimed = { type: 'EmailSendClaimed'; data: { emailId: string; kind: EmailKind; to: string; subject: string; claimedAt: string } };
export type EmailSent = { type: 'EmailSent'; data: { emailId: string; kind: EmailKind; to: string; subject: string; messageId: string } };
export type EmailSendFailed = { type: 'EmailSendFailed'; data: { emailId: string; reason: string } };
export type EmailSkipped = { type: 'EmailSkipped'; data: { emailId: string; kind: EmailKind; reason: string } };
export type EmailEvent = EmailSendClaimed | EmailSent | EmailSendFailed | EmailSkipped;

export const emailCategory = 'email';

export function emailStreamName(emailId: string): string {
  return `${emailCategory}-${emailId}`;
}

export interface EmailRequest {
  readonly emailId: string;
  readonly kind: EmailKind;
  /** Tenant, actor and causal chain of the recorded events. */
  readonly context: CommandContext;
}

/** What to do for an e-mail not yet sent: send this message, or record why nothing is sent. */
export type Composition = { readonly send: Omit<MailMessage, 'messageId'> } | { readonly skip: string };

export type Delivery =
  | { readonly status: 'SENT' | 'ALREADY_SENT'; readonly messageId: string; readonly to: string }
  | { readonly status: 'SKIPPED'; readonly reason: string };

export type EmailStatus = 'NONE' | 'CLAIMED' | 'FAILED' | 'SENT' | 'SKIPPED';

export interface EmailDeliveryOptions {
  /** How long a claim may go without an outcome before another sender takes it over. */
  readonly leaseMs: number;
  readonly pollMs: number;
  /** Further attempts after the mailer failed, with growing pauses, before the error is thrown. */
  readonly retries: number;
  readonly retryMinMs: number;
}

export const DEFAULT_EMAIL_DELIVERY_OPTIONS: EmailDeliveryOptions = { leaseMs: 120_000, pollMs: 50, retries: 3, retryMinMs: 500 };

interface Loaded {
  readonly status: EmailStatus;
  readonly revision: ExpectedRevision;
  readonly last: RecordedEvent | undefined;
  readonly events: readonly RecordedEvent[];
}

@Injectable()
export class EmailDeliveries {
  private options: EmailDeliveryOptions = DEFAULT_EMAIL_DELIVERY_OPTIONS;

  constructor(
    private readonly store: EventStore,
    private readonly mailer: Mailer,
    private readonly settings: MailSettings,
    private readonly clock: Clock,
  ) {}

  configure(options: Partial<EmailDeliveryOptions>): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  async status(emailId: string, tenant: string): Promise<EmailStatus> {
    return (await this.load(emailId, tenant)).status;
  }

  /** Sends the e-mail unless it was sent or skipped before; `compose` runs only when needed. */
  deliver(request: EmailRequest, compose: () => Promise<Composition>): Promise<Delivery> {
    return pRetry(() => this.once(request, compose), {
      retries: this.options.retries,
      minTimeout: this.options.retryMinMs,
      maxTimeout: this.options.retryMinMs * 16,
      shouldRetry: ({ error }) => error instanceof MailDeliveryError,
    });
  }

  private async once(request: EmailRequest, compose: () => Promise<Composition>): Promise<Delivery> {
    let composition: Composition | undefined;
    // Bounded by real time too, so a clock that never moves (in tests) cannot wait forever.
    const deadline = Date.now() + this.options.leaseMs + 10_000;
    for (;;) {
      const loaded = await this.load(request.emailId, request.context.tenant);
      const done = settled(loaded);
      if (done) return done;
      if (loaded.status === 'CLAIMED' && !this.leaseExpired(loaded.last!)) {
        if (Date.now() > deadline) throw new Error(`E-mail ${request.emailId} is still being sent by another process`);
        await sleep(this.options.pollMs);
        continue;
      }
      composition ??= await compose();
      const outcome = await this.attempt(request, loaded.revision, composition);
      if (outcome) return outcome;
    }
  }

  /** One try from the revision read; undefined when another sender got there first. */
  private async attempt(request: EmailRequest, revision: ExpectedRevision, composition: Composition): Promise<Delivery | undefined> {
    const { emailId, kind } = request;
    if ('skip' in composition) {
      const skipped: EmailSkipped = { type: 'EmailSkipped', data: { emailId, kind, reason: composition.skip } };
      if (!(await this.append(request, revision, skipped, randomUUID()))) return undefined;
      return { status: 'SKIPPED', reason: composition.skip };
    }
    const { to, subject } = composition.send;
    const claim: EmailSendClaimed = { type: 'EmailSendClaimed', data: { emailId, kind, to, subject, claimedAt: this.clock.now().toISOString() } };
    // Random on purpose: two senders racing must collide on the revision, not pass as one retry.
    const claimed = await this.append(request, revision, claim, randomUUID());
    if (!claimed) return undefined;
    const next = revision === 'no_stream' ? 0 : revision + 1;
    const messageId = await this.send(request, next, composition.send);
    const sent: EmailSent = { type: 'EmailSent', data: { emailId, kind, to, subject, messageId } };
    // A conflict here means a sender took over a lease this one outlived; the e-mail went out either way.
    await this.append(request, next, sent, deriveId(emailId, 'sent', String(next)));
    return { status: 'SENT', messageId, to };
  }

  private async send(request: EmailRequest, claimRevision: number, message: Omit<MailMessage, 'messageId'>): Promise<string> {
    const messageId = messageIdFor(request.emailId, message.from ?? this.settings.from);
    try {
      const sent = await this.mailer.send({ ...message, messageId, headers: { ...message.headers, 'X-Ledger-Email-Id': request.emailId } });
      return sent.messageId;
    } catch (error) {
      // Releasing the claim lets a retry start at once instead of waiting out the lease.
      const failed: EmailSendFailed = { type: 'EmailSendFailed', data: { emailId: request.emailId, reason: error instanceof Error ? error.message : String(error) } };
      await this.append(request, claimRevision, failed, deriveId(request.emailId, 'failed', String(claimRevision))).catch(() => undefined);
      // A message the mailer refuses as malformed will never go out: that is an answer, not an outage.
      if (error instanceof MailMessageError) {
        throw new DomainError('VALIDATION_FAILED', `E-mail ${request.emailId} cannot be sent: ${error.message}`, { field: error.field });
      }
      throw error;
    }
  }

  private async append(request: EmailRequest, revision: ExpectedRevision, event: EmailEvent, id: string): Promise<boolean> {
    try {
      const metadata = eventMetadataFor(request.context);
      await this.store.appendToStream(emailStreamName(request.emailId), [{ id, ...event, metadata }], { expectedRevision: revision });
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  private async load(emailId: string, tenant: string): Promise<Loaded> {
    const events = await this.store.readStream(emailStreamName(emailId));
    if (events.length > 0 && events[0]!.metadata.tenant !== tenant) {
      throw new DomainError('NOT_FOUND', `E-mail ${emailId} does not exist`, { emailId });
    }
    const last = events.at(-1);
    return { status: statusOf(events), revision: last ? last.revision : 'no_stream', last, events };
  }

  private leaseExpired(claim: RecordedEvent): boolean {
    const { claimedAt } = claim.data as EmailSendClaimed['data'];
    return this.clock.now().getTime() - Date.parse(claimedAt) > this.options.leaseMs;
  }
}

function statusOf(events: readonly RecordedEvent[]): EmailStatus {
  if (events.some((event) => event.type === 'EmailSent')) return 'SENT';
  if (events.some((event) => event.type === 'EmailSkipped')) return 'SKIPPED';
  const last = events.at(-1);
  if (!last) return 'NONE';
  return last.type === 'EmailSendClaimed' ? 'CLAIMED' : 'FAILED';
}

function settled(loaded: Loaded): Delivery | undefined {
  if (loaded.status === 'SENT') {
    const sent = loaded.events.find((event) => event.type === 'EmailSent')!.data as EmailSent['data'];
    return { status: 'ALREADY_SENT', messageId: sent.messageId, to: sent.to };
  }
  if (loaded.status === 'SKIPPED') {
    const skipped = loaded.events.find((event) => event.type === 'EmailSkipped')!.data as EmailSkipped['data'];
    return { status: 'SKIPPED', reason: skipped.reason };
  }
  return undefined;
}
