/**
 * What a fault test checks after the fact, where each truth lives: the charges the processor made
 * (the Stripe stand-in, behind every fault) against the `Charged` events in the log; the e-mails
 * the SMTP server received against the log's e-mail streams; the read models in MongoDB against a
 * rebuild from the log (compareWithRebuild). Each check returns the exceptions only, as lists
 * that are empty when all is well, so a test compares them with `[]` and a failure names them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareWithRebuild, paymentLinkEmailId, receiptEmailId, versionedCollection } from '@ledger/application';
import type { ReadModelDifference } from '@ledger/application';
import type { Charged } from '@ledger/domain';
import type { EventStore, Position, RecordedEvent } from '@ledger/event-store';
import type { ReceivedEmail } from '@ledger/mail';
import { allProjections } from '@ledger/projections';
import { SqliteReadStore } from '@ledger/read-store';
import type { ReadStore } from '@ledger/read-store';
import type { StripeCharge } from '@ledger/testing';

/** Every event of these types in the log, in order. */
export async function eventsOfTypes(store: EventStore, eventTypes: readonly string[]): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAll({ filter: { eventTypes }, maxCount: 1_000, ...(after ? { after } : {}) });
    events.push(...page);
    if (page.length < 1_000) return events;
    after = page.at(-1)!.position;
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

export interface ChargeAudit {
  /** Charges the processor made that the log records other than once (`recorded`: how often). */
  readonly notRecordedOnce: { processorPaymentId: string; paymentId: string | undefined; recorded: number }[];
  /** `Charged` events naming a charge the processor never made. */
  readonly recordedWithoutCharge: { processorPaymentId: string; paymentId: string }[];
  /** Payments the processor charged more than once (different intents for one payment). */
  readonly chargedTwice: { paymentId: string; charges: number }[];
  /** Payments with an intent recorded (`PaymentInitiated`) and no outcome: money perhaps taken, nothing said. */
  readonly open: string[];
}

export async function auditCharges(store: EventStore, charges: readonly StripeCharge[]): Promise<ChargeAudit> {
  const charged = (await eventsOfTypes(store, ['Charged'])).map((event) => event.data as Charged['data']);
  const recorded = countBy(charged, (data) => data.processorPaymentId);
  const made = new Set(charges.map((charge) => charge.id));
  const perPayment = countBy(charges, (charge) => charge.metadata.paymentId ?? `(no paymentId) ${charge.id}`);
  const outcomes = ['Charged', 'ChargeFailed', 'PaymentAuthorized', 'CashCollected', 'AuthorizationReleased', 'AuthorizationExpired'];
  const lifecycle = await eventsOfTypes(store, ['PaymentInitiated', ...outcomes]);
  const settled = new Set(lifecycle.filter((event) => outcomes.includes(event.type)).map((event) => (event.data as { paymentId: string }).paymentId));
  return {
    notRecordedOnce: charges
      .filter((charge) => recorded.get(charge.id) !== 1)
      .map((charge) => ({ processorPaymentId: charge.id, paymentId: charge.metadata.paymentId, recorded: recorded.get(charge.id) ?? 0 })),
    recordedWithoutCharge: charged
      .filter((data) => !made.has(data.processorPaymentId))
      .map(({ processorPaymentId, paymentId }) => ({ processorPaymentId, paymentId })),
    chargedTwice: [...perPayment].filter(([, count]) => count > 1).map(([paymentId, count]) => ({ paymentId, charges: count })),
    open: lifecycle
      .filter((event) => event.type === 'PaymentInitiated')
      .map((event) => (event.data as { paymentId: string }).paymentId)
      .filter((paymentId) => !settled.has(paymentId)),
  };
}

export interface EmailAudit {
  /** E-mails the log says were sent, received other than once (or under more than one Message-ID). */
  readonly notReceivedOnce: { emailId: string; copies: number; messageIds: number }[];
  /** E-mails received whose stream does not say sent (`status`: what it says instead). */
  readonly receivedNotRecorded: { emailId: string; copies: number; status: string }[];
  /** E-mails that should have gone and are not recorded as sent: a receipt per `Charged` payment, a link per link e-mailed. */
  readonly owedNotSent: { emailId: string; about: string; status: string }[];
}

const EMAIL_EVENTS = ['EmailSendClaimed', 'EmailSent', 'EmailSendFailed', 'EmailSkipped'];

/** `linkIds`: the links whose e-mail must have gone (those answered with their pay URL). */
export async function auditEmails(store: EventStore, received: readonly ReceivedEmail[], linkIds: readonly string[]): Promise<EmailAudit> {
  const status = new Map<string, string>();
  for (const event of await eventsOfTypes(store, EMAIL_EVENTS)) {
    const { emailId } = event.data as { emailId: string };
    // Sent or skipped is final; otherwise the last word stands (a claim, a failure, a claim again).
    if (status.get(emailId) !== 'EmailSent' && status.get(emailId) !== 'EmailSkipped') status.set(emailId, event.type);
  }
  const byId = new Map<string, ReceivedEmail[]>();
  for (const email of received) {
    const emailId = email.header('x-ledger-email-id') ?? `(no X-Ledger-Email-Id) ${email.messageId ?? email.subject}`;
    byId.set(emailId, [...(byId.get(emailId) ?? []), email]);
  }
  const sent = [...status].filter(([, last]) => last === 'EmailSent').map(([emailId]) => emailId);
  const chargedPayments = (await eventsOfTypes(store, ['Charged'])).map((event) => (event.data as Charged['data']).paymentId);
  const owed = [
    ...[...new Set(chargedPayments)].map((paymentId) => ({ emailId: receiptEmailId(paymentId), about: `receipt for payment ${paymentId}` })),
    ...linkIds.map((linkId) => ({ emailId: paymentLinkEmailId(linkId), about: `payment link ${linkId}` })),
  ];
  return {
    notReceivedOnce: sent
      .map((emailId) => ({ emailId, copies: byId.get(emailId)?.length ?? 0, messageIds: new Set(byId.get(emailId)?.map((email) => email.messageId)).size }))
      .filter(({ copies, messageIds }) => copies !== 1 || messageIds !== 1),
    receivedNotRecorded: [...byId]
      .filter(([emailId]) => status.get(emailId) !== 'EmailSent')
      .map(([emailId, copies]) => ({ emailId, copies: copies.length, status: status.get(emailId) ?? 'no stream' })),
    owedNotSent: owed.filter(({ emailId }) => status.get(emailId) !== 'EmailSent').map((owe) => ({ ...owe, status: status.get(owe.emailId) ?? 'no stream' })),
  };
}

/** Rebuilds every projection from the log into a scratch SQLite store and lists where MongoDB differs. */
export async function readModelsAgainstRebuild(store: EventStore, reads: ReadStore): Promise<ReadModelDifference[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-rebuild-'));
  const scratch = new SqliteReadStore({ file: join(dir, 'rebuild.db') });
  try {
    // No generation was switched during the test, so each projection's collections are its first generation's.
    return await compareWithRebuild(store, reads, scratch, allProjections, (projection, collection) => versionedCollection(projection, collection));
  } finally {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
