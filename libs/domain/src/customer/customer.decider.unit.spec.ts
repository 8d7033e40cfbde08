// Goal: customers keep cards on file as processor references only, and card requests expire.
// Method: given/when/then on the customer decider; assert the events or the rejection code.
import { type CustomerCommand, customerDecider, type CustomerEvent, type SavedCardDetails } from '@ledger/domain';
import { commandsOf, decider } from '@ledger/testing';

const command = commandsOf<CustomerCommand>();
const spec = decider(customerDecider);
const customerId = 'c-1';

const registered: CustomerEvent = {
  type: 'CustomerRegistered',
  data: { customerId, name: 'Ada Lovelace', email: 'ada@example.com', phone: '+1 555 0100' },
};
const visa: SavedCardDetails = {
  cardId: 'card-1',
  processorCustomerId: 'cus_1',
  processorPaymentMethodId: 'pm_visa',
  brand: 'visa',
  last4: '4242',
  expMonth: 12,
  expYear: 2030,
};
const visaSaved: CustomerEvent = { type: 'CardSaved', data: { customerId, ...visa } };
const visaRemoved: CustomerEvent = { type: 'CardRemoved', data: { customerId, cardId: 'card-1' } };
const request = {
  customerId,
  requestId: 'r-1',
  tokenHash: 'a'.repeat(64),
  email: 'ada@example.com',
  expiresAt: '2025-06-08T12:00:00Z',
};
const requested: CustomerEvent = { type: 'CardRequested', data: request };
const afterExpiry = { now: '2025-06-08T12:00:00Z' };

describe('RegisterCustomer', () => {
  it('records the customer', () => {
    spec.given([]).when(command('RegisterCustomer', registered.data)).then([registered]);
  });

  it('records a missing phone as null', () => {
    spec
      .given([])
      .when(command('RegisterCustomer', { customerId, name: 'Ada', email: 'ada@example.com' }))
      .then([{ type: 'CustomerRegistered', data: { customerId, name: 'Ada', email: 'ada@example.com', phone: null } }]);
  });

  it('rejects a second registration', () => {
    spec.given([registered]).when(command('RegisterCustomer', registered.data)).thenRejects('ALREADY_EXISTS');
  });

  it('rejects an address that is not an e-mail', () => {
    spec
      .given([])
      .when(command('RegisterCustomer', { ...registered.data, email: 'ada at example' }))
      .thenRejects('VALIDATION_FAILED', { field: 'email' });
  });
});

describe('SaveCard', () => {
  it('records processor references and display data only', () => {
    spec
      .given([registered])
      .when(command('SaveCard', { customerId, ...visa }))
      .then([visaSaved]);
  });

  it('rejects an unknown customer', () => {
    spec
      .given([])
      .when(command('SaveCard', { customerId, ...visa }))
      .thenRejects('NOT_FOUND');
  });

  it('rejects the same processor payment method twice', () => {
    spec
      .given([registered, visaSaved])
      .when(command('SaveCard', { customerId, ...visa, cardId: 'card-2' }))
      .thenRejects('ALREADY_EXISTS', { cardId: 'card-1' });
  });

  it('rejects a card id already used', () => {
    spec
      .given([registered, visaSaved, visaRemoved])
      .when(command('SaveCard', { customerId, ...visa, processorPaymentMethodId: 'pm_other' }))
      .thenRejects('ALREADY_EXISTS');
  });

  it('accepts a payment method again once its card was removed', () => {
    spec
      .given([registered, visaSaved, visaRemoved])
      .when(command('SaveCard', { customerId, ...visa, cardId: 'card-2' }))
      .then([{ type: 'CardSaved', data: { customerId, ...visa, cardId: 'card-2' } }]);
  });

  it.each([
    ['last4', { last4: '42' }],
    ['expMonth', { expMonth: 13 }],
    ['processorPaymentMethodId', { processorPaymentMethodId: '' }],
  ])('rejects an invalid %s', (field, change) => {
    spec
      .given([registered])
      .when(command('SaveCard', { customerId, ...visa, ...change }))
      .thenRejects('VALIDATION_FAILED', { field });
  });
});

describe('RemoveCard', () => {
  it('records the removal', () => {
    spec
      .given([registered, visaSaved])
      .when(command('RemoveCard', { customerId, cardId: 'card-1' }))
      .then([visaRemoved]);
  });

  it('is a no-op for a card already removed', () => {
    spec
      .given([registered, visaSaved, visaRemoved])
      .when(command('RemoveCard', { customerId, cardId: 'card-1' }))
      .then([]);
  });

  it('rejects an unknown card', () => {
    spec
      .given([registered])
      .when(command('RemoveCard', { customerId, cardId: 'card-9' }))
      .thenRejects('CARD_NOT_FOUND');
  });
});

describe('RequestCard', () => {
  it('records the request with the token hash only', () => {
    spec.given([registered]).when(command('RequestCard', request)).then([requested]);
  });

  it('rejects an expiry that is not in the future', () => {
    spec
      .given([registered])
      .when(command('RequestCard', { ...request, expiresAt: '2025-06-01T12:00:00Z' }))
      .thenRejects('VALIDATION_FAILED', { field: 'expiresAt' });
  });

  it('rejects a request id already used', () => {
    spec.given([registered, requested]).when(command('RequestCard', request)).thenRejects('ALREADY_EXISTS');
  });
});

describe('FulfillCardRequest', () => {
  const fulfill = command('FulfillCardRequest', { customerId, requestId: 'r-1', card: visa });
  const fulfilled: CustomerEvent = {
    type: 'CardRequestFulfilled',
    data: { customerId, requestId: 'r-1', cardId: 'card-1' },
  };

  it('saves the card and closes the request in one decision', () => {
    spec.given([registered, requested]).when(fulfill).then([visaSaved, fulfilled]);
  });

  it('is a no-op when the same card fulfils the request again', () => {
    spec.given([registered, requested, visaSaved, fulfilled]).when(fulfill).then([]);
  });

  it('rejects another card once fulfilled', () => {
    spec
      .given([registered, requested, visaSaved, fulfilled])
      .when(command('FulfillCardRequest', { customerId, requestId: 'r-1', card: { ...visa, cardId: 'card-2' } }))
      .thenRejects('INVALID_STATE');
  });

  it('rejects a link whose time is up, even before the timer ran', () => {
    spec
      .given([registered, requested])
      .when(command('FulfillCardRequest', fulfill.data, afterExpiry))
      .thenRejects('LINK_EXPIRED');
  });

  it('rejects a link already expired', () => {
    const expired: CustomerEvent = { type: 'CardRequestExpired', data: { customerId, requestId: 'r-1' } };
    spec.given([registered, requested, expired]).when(fulfill).thenRejects('LINK_EXPIRED');
  });

  it('rejects an unknown request', () => {
    spec.given([registered]).when(fulfill).thenRejects('NOT_FOUND');
  });
});

describe('ExpireCardRequest', () => {
  const expire = command('ExpireCardRequest', { customerId, requestId: 'r-1' }, afterExpiry);

  it('records the expiry once the time is up', () => {
    spec
      .given([registered, requested])
      .when(expire)
      .then([{ type: 'CardRequestExpired', data: { customerId, requestId: 'r-1' } }]);
  });

  it('rejects an expiry before the time', () => {
    spec
      .given([registered, requested])
      .when(command('ExpireCardRequest', { customerId, requestId: 'r-1' }))
      .thenRejects('INVALID_STATE');
  });

  it('is a no-op for a request already fulfilled', () => {
    const fulfilled: CustomerEvent = {
      type: 'CardRequestFulfilled',
      data: { customerId, requestId: 'r-1', cardId: 'card-1' },
    };
    spec.given([registered, requested, visaSaved, fulfilled]).when(expire).then([]);
  });
});
