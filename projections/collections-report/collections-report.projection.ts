/**
 * Money collected and refunded per tenant, per day in the tenant's time zone, per method: the
 * rows behind the API's `collectionsReport(from, to, groupBy: [DAY, METHOD])`.
 *
 * The day document's key depends on two other documents: the tenant's time zone (the day) and,
 * for charges and refunds, the payment's method (neither event carries it). So `refs` names the
 * tenant and payment index documents first and the day document once they are loaded.
 *
 * A day's totals are exact decimal strings added as bigints (see exact-totals.ts): however much
 * one tenant records in a day, its totals never round and never stop the projection.
 */
import type { PaymentMethod } from '@ledger/domain';
import {
  alreadyApplied,
  type DocumentChange,
  type DocumentRef,
  type DocumentSet,
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import type {
  CollectionsDailyDocument,
  CollectionsPaymentIndexDocument,
  CollectionsTenantDocument,
} from './collections-report.document.js';
import { amountField, isTimeZone, localDay, malformed, textField } from './collections-report.fields.js';
import { addMinor, minorOf, ZERO_MINOR } from '../exact-totals.js';

const TENANTS = 'tenants';
const PAYMENT_INDEX = 'payment_index';
const DAILY = 'collections_daily';

/** A record over every method, so a method added to the domain fails to compile here until handled. */
const cardMethods: Record<PaymentMethod, boolean> = {
  CARD_ON_FILE: true,
  NEW_CARD: true,
  ONE_TIME_CARD: true,
  PAYMENT_LINK: true,
  CASH: false,
  CHECK: false,
  E_TRANSFER: false,
  OTHER: false,
};

function methodField(event: ProjectedEvent, card: boolean): PaymentMethod {
  const method = textField(event, 'method');
  if (!Object.hasOwn(cardMethods, method) || cardMethods[method as PaymentMethod] !== card) {
    throw malformed(event, `method ${method} is not ${card ? 'a card' : 'an offline'} method`);
  }
  return method as PaymentMethod;
}

const tenantRef = (event: ProjectedEvent): DocumentRef => ({
  collection: TENANTS,
  key: event.tenant,
});
const indexRef = (event: ProjectedEvent): DocumentRef => ({
  collection: PAYMENT_INDEX,
  key: `${event.tenant}:${textField(event, 'paymentId')}`,
});

function tenantOf(docs: DocumentSet, event: ProjectedEvent): CollectionsTenantDocument | null {
  return docs.get(TENANTS, event.tenant) as CollectionsTenantDocument | null;
}

/** The method a money event counts under: on the event for offline money, else from the index. */
function methodOf(docs: DocumentSet, event: ProjectedEvent): PaymentMethod | null {
  if (event.type === 'CashCollected') return methodField(event, false);
  const index = docs.get(PAYMENT_INDEX, indexRef(event).key) as CollectionsPaymentIndexDocument | null;
  return index?.method ?? null;
}

function dailyKey(event: ProjectedEvent, timeZone: string, method: PaymentMethod): string {
  return `${event.tenant}:${localDay(event, timeZone)}:${method}`;
}

function refs(event: ProjectedEvent, loaded?: DocumentSet): readonly DocumentRef[] {
  switch (event.type) {
    case 'TenantCreated':
      return [tenantRef(event)];
    case 'PaymentInitiated':
      return [indexRef(event)];
    case 'Charged':
    case 'CashCollected':
    case 'Refunded': {
      const first = [tenantRef(event), indexRef(event)];
      const tenant = loaded === undefined ? null : tenantOf(loaded, event);
      const method = loaded === undefined ? null : methodOf(loaded, event);
      // Until both are loaded the day is unknown; evolve reports whichever is missing.
      if (tenant === null || method === null) return first;
      return [...first, { collection: DAILY, key: dailyKey(event, tenant.timeZone, method) }];
    }
    default:
      return [];
  }
}

function tenantCreated(docs: DocumentSet, event: ProjectedEvent): DocumentChange[] {
  if (alreadyApplied(tenantOf(docs, event), event)) return [];
  const timeZone = textField(event, 'timeZone');
  if (!isTimeZone(timeZone)) throw malformed(event, `timeZone ${timeZone} is not an IANA time zone`);
  const currency = textField(event, 'currency');
  const doc: CollectionsTenantDocument = {
    tenant: event.tenant,
    tenantId: textField(event, 'tenantId'),
    timeZone,
    currency,
    position: event.position,
  };
  return [{ ...tenantRef(event), doc }];
}

function indexPayment(docs: DocumentSet, event: ProjectedEvent, method: PaymentMethod): DocumentChange[] {
  const ref = indexRef(event);
  if (alreadyApplied(docs.get(ref.collection, ref.key), event)) return [];
  const doc: CollectionsPaymentIndexDocument = {
    tenant: event.tenant,
    paymentId: textField(event, 'paymentId'),
    method,
    currency: amountField(event).currency,
    position: event.position,
  };
  return [{ ...ref, doc }];
}

/** Adds the event's amount to its day and method: collected for money in, refunded for money out. */
function addToDay(docs: DocumentSet, event: ProjectedEvent): DocumentChange[] {
  const amount = amountField(event);
  const tenant = tenantOf(docs, event);
  if (tenant === null) throw malformed(event, `tenant ${event.tenant} has no TenantCreated before it`);
  if (amount.currency !== tenant.currency) {
    throw malformed(event, `amount is in ${amount.currency}, the tenant reports in ${tenant.currency}`);
  }
  const method = methodOf(docs, event);
  if (method === null)
    throw malformed(event, `payment ${textField(event, 'paymentId')} has no PaymentInitiated before it`);
  const key = dailyKey(event, tenant.timeZone, method);
  const existing = docs.get(DAILY, key) as CollectionsDailyDocument | null;
  if (alreadyApplied(existing, event)) return [];
  const day = existing ?? {
    tenant: event.tenant,
    day: localDay(event, tenant.timeZone),
    method,
    count: 0,
    collected: ZERO_MINOR,
    refunded: ZERO_MINOR,
    net: ZERO_MINOR,
    currency: tenant.currency,
    position: event.position,
  };
  const refund = event.type === 'Refunded';
  const collected = refund ? day.collected : addMinor(day.collected, amount.amountMinor, event, 'collected');
  const refunded = refund ? addMinor(day.refunded, amount.amountMinor, event, 'refunded') : day.refunded;
  const doc: CollectionsDailyDocument = {
    ...day,
    count: day.count + (refund ? 0 : 1),
    collected,
    refunded,
    net: (minorOf(collected, event, 'collected') - minorOf(refunded, event, 'refunded')).toString(),
    position: event.position,
  };
  return [{ collection: DAILY, key, doc }];
}

function evolve(docs: DocumentSet, event: ProjectedEvent): readonly DocumentChange[] {
  switch (event.type) {
    case 'TenantCreated':
      return tenantCreated(docs, event);
    case 'PaymentInitiated':
      return indexPayment(docs, event, methodField(event, true));
    case 'CashCollected':
      // Offline payments can be refunded too, so they are indexed like card payments.
      return [...indexPayment(docs, event, methodField(event, false)), ...addToDay(docs, event)];
    case 'Charged':
    case 'Refunded':
      return addToDay(docs, event);
    default:
      return [];
  }
}

export const collectionsReportProjection: Projection = {
  name: 'collections-report',
  // 2: collected, refunded and net became exact decimal strings.
  version: 2,
  collections: [TENANTS, PAYMENT_INDEX, DAILY],
  eventTypes: ['TenantCreated', 'PaymentInitiated', 'Charged', 'CashCollected', 'Refunded'],
  refs,
  evolve,
};
