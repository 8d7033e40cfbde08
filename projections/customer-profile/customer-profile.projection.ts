/**
 * One document per customer for the customer profile page. The balance shown there is not kept
 * here: it is summed from the customer's `bookings` documents (booking-balance) at query time,
 * because a second copy of the same money would need its own events to stay right.
 */
import type { CardRequestStatus } from '@ledger/domain';
import {
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import { type Fields, oneDocumentProjection } from '../event-fields.js';
import type { CustomerCard, CustomerCardRequest, CustomerProfileDocument } from './customer-profile.document.js';

const COLLECTION = 'customers';

const eventTypes = [
  'CustomerRegistered',
  'CardSaved',
  'CardRemoved',
  'CardRequested',
  'CardRequestFulfilled',
  'CardRequestExpired',
] as const;

function registered(fields: Fields, event: ProjectedEvent): CustomerProfileDocument {
  return {
    tenant: event.tenant,
    customerId: fields.text('customerId'),
    name: fields.text('name'),
    email: fields.text('email'),
    phone: fields.optionalText('phone'),
    cards: [],
    cardRequests: [],
    createdAt: event.occurredAt,
    updatedAt: event.occurredAt,
    position: event.position,
  };
}

/** Only display data is copied; the processor's customer and payment-method ids stay in the log. */
function savedCard(fields: Fields): CustomerCard {
  return {
    cardId: fields.text('cardId'),
    brand: fields.text('brand'),
    last4: fields.text('last4'),
    expMonth: fields.integer(fields.data.expMonth, 'expMonth'),
    expYear: fields.integer(fields.data.expYear, 'expYear'),
  };
}

function requestChanged(
  doc: CustomerProfileDocument,
  fields: Fields,
  status: CardRequestStatus,
): CustomerProfileDocument {
  const requestId = fields.text('requestId');
  // A request that was never made cannot be fulfilled or expire: the history is corrupt, so stop loudly.
  const request =
    doc.cardRequests.find((entry) => entry.requestId === requestId) ??
    fields.fail(`card request ${requestId} was never made`);
  const changed: CustomerCardRequest = {
    ...request,
    status,
    cardId: status === 'FULFILLED' ? fields.text('cardId') : request.cardId,
  };
  return { ...doc, cardRequests: doc.cardRequests.map((entry) => (entry.requestId === requestId ? changed : entry)) };
}

function evolveCustomer(
  doc: CustomerProfileDocument | null,
  fields: Fields,
  event: ProjectedEvent,
): CustomerProfileDocument {
  if (event.type === 'CustomerRegistered') {
    return doc === null ? registered(fields, event) : fields.fail('the customer was already registered');
  }
  const customer = doc ?? fields.fail(`customer ${fields.text('customerId')} was never registered`);
  switch (event.type) {
    case 'CardSaved': {
      const card = savedCard(fields);
      return { ...customer, cards: [...customer.cards.filter((entry) => entry.cardId !== card.cardId), card] };
    }
    case 'CardRemoved': {
      // Removing is naturally idempotent, so an unknown card simply leaves the list as it is.
      const cardId = fields.text('cardId');
      return { ...customer, cards: customer.cards.filter((entry) => entry.cardId !== cardId) };
    }
    case 'CardRequested': {
      // The token hash is left out on purpose: the read store must not help anyone forge a link.
      const request: CustomerCardRequest = {
        requestId: fields.text('requestId'),
        status: 'PENDING',
        email: fields.text('email'),
        expiresAt: fields.text('expiresAt'),
        cardId: null,
      };
      const others = customer.cardRequests.filter((entry) => entry.requestId !== request.requestId);
      return { ...customer, cardRequests: [...others, request] };
    }
    case 'CardRequestFulfilled':
      return requestChanged(customer, fields, 'FULFILLED');
    case 'CardRequestExpired':
      return requestChanged(customer, fields, 'EXPIRED');
    default:
      return fields.fail('not a customer event');
  }
}

export const customerProfileProjection: Projection = oneDocumentProjection<CustomerProfileDocument>({
  name: 'customer-profile',
  version: 1,
  collection: COLLECTION,
  eventTypes,
  keyField: 'customerId',
  evolve: evolveCustomer,
});
