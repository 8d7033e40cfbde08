/**
 * One document per payment link for the dashboard's links list and the customer's profile. It
 * follows the link stream, plus the payment stream's ChargeFailed for payments started through a
 * link: without it a declined card would leave the link PAYING forever, although the customer
 * may try again.
 */
import {
  alreadyApplied,
  type DocumentChange,
  type DocumentRef,
  type DocumentSet,
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import { type Fields, fieldsOf, stamp } from '../event-fields.js';
import type { PaymentLinkAttemptDocument, PaymentLinkDocument } from './payment-links.document.js';

const LINKS = 'payment_links';
const ATTEMPTS = 'payment_link_attempts';

const linkEventTypes = [
  'PaymentLinkCreated',
  'PaymentLinkPaymentStarted',
  'PaymentLinkPaid',
  'PaymentLinkExpired',
  'PaymentLinkCancelled',
] as const;
const eventTypes = [...linkEventTypes, 'ChargeFailed'] as const;

function created(fields: Fields, event: ProjectedEvent): PaymentLinkDocument {
  const bookingIds = fields
    .list('bookingIds')
    .map((value, index) =>
      typeof value === 'string' && value !== '' ? value : fields.fail(`bookingIds[${index}] is not an id`),
    );
  // The token hash is left out on purpose: the read store must not help anyone pay through a link.
  return {
    tenant: event.tenant,
    linkId: fields.text('linkId'),
    customerId: fields.text('customerId'),
    bookingIds,
    amount: fields.money('amount'),
    email: fields.text('email'),
    expiresAt: fields.text('expiresAt'),
    status: 'OPEN',
    paymentId: null,
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
    position: event.position,
  };
}

function evolveLink(doc: PaymentLinkDocument | null, fields: Fields, event: ProjectedEvent): PaymentLinkDocument {
  if (event.type === 'PaymentLinkCreated') {
    return doc === null ? created(fields, event) : fields.fail('the link was already created');
  }
  const link = doc ?? fields.fail(`payment link ${fields.text('linkId')} was never created`);
  switch (event.type) {
    case 'PaymentLinkPaymentStarted':
      return { ...link, status: 'PAYING', paymentId: fields.text('paymentId') };
    case 'PaymentLinkPaid':
      // Money already on its way is accepted even if the link expired meanwhile, so PAID wins.
      return { ...link, status: 'PAID', paymentId: fields.text('paymentId') };
    case 'PaymentLinkExpired':
      return { ...link, status: 'EXPIRED' };
    case 'PaymentLinkCancelled':
      return { ...link, status: 'CANCELLED' };
    default:
      return fields.fail('not a payment link event');
  }
}

function linkEventChanges(docs: DocumentSet, event: ProjectedEvent): DocumentChange[] {
  const fields = fieldsOf(event);
  const key = fields.text('linkId');
  const doc = docs.get(LINKS, key) as PaymentLinkDocument | null;
  if (alreadyApplied(doc, event)) return [];
  const changes: DocumentChange[] = [{ collection: LINKS, key, doc: stamp(evolveLink(doc, fields, event), event) }];
  if (event.type === 'PaymentLinkPaymentStarted') {
    const paymentId = fields.text('paymentId');
    const attempt: PaymentLinkAttemptDocument = {
      tenant: event.tenant,
      paymentId,
      linkId: key,
      updatedAt: event.occurredAt,
      position: event.position,
    };
    changes.push({ collection: ATTEMPTS, key: paymentId, doc: attempt });
  }
  return changes;
}

/** A declined attempt reopens its link, unless the link has moved on (paid, expired, another attempt). */
function chargeFailedChanges(docs: DocumentSet, event: ProjectedEvent): DocumentChange[] {
  const paymentId = fieldsOf(event).text('paymentId');
  const attempt = docs.get(ATTEMPTS, paymentId) as PaymentLinkAttemptDocument | null;
  if (attempt === null) return [];
  const link = docs.get(LINKS, attempt.linkId) as PaymentLinkDocument | null;
  if (link === null || alreadyApplied(link, event)) return [];
  if (link.status !== 'PAYING' || link.paymentId !== paymentId) return [];
  return [{ collection: LINKS, key: link.linkId, doc: stamp({ ...link, status: 'OPEN', paymentId: null }, event) }];
}

export const paymentLinksProjection: Projection = {
  name: 'payment-links',
  version: 1,
  collections: [LINKS, ATTEMPTS],
  eventTypes,
  refs(event: ProjectedEvent, loaded?: DocumentSet): readonly DocumentRef[] {
    const fields = fieldsOf(event);
    if (event.type !== 'ChargeFailed') {
      const link = { collection: LINKS, key: fields.text('linkId') };
      return event.type === 'PaymentLinkPaymentStarted'
        ? [link, { collection: ATTEMPTS, key: fields.text('paymentId') }]
        : [link];
    }
    // The link's key is only known once the attempt index is loaded: a second round of refs.
    const attemptRef = { collection: ATTEMPTS, key: fields.text('paymentId') };
    const attempt = loaded?.get(ATTEMPTS, attemptRef.key) as PaymentLinkAttemptDocument | null | undefined;
    return attempt ? [attemptRef, { collection: LINKS, key: attempt.linkId }] : [attemptRef];
  },
  evolve(docs: DocumentSet, event: ProjectedEvent): readonly DocumentChange[] {
    if (event.type === 'ChargeFailed') return chargeFailedChanges(docs, event);
    if (!(linkEventTypes as readonly string[]).includes(event.type)) return [];
    return linkEventChanges(docs, event);
  },
};
