// Goal: a notification to the administrators is requested once per fact, however often the fact
// is delivered, and only with the data its e-mail needs.
// Method: given/when/then on the notification decider; assert the events or the rejection code.
import { cad, commandsOf, decider } from '@ledger/testing';
import { type NotificationCommand, notificationDecider, type NotificationEvent, notificationStreamName } from './index.js';

const command = commandsOf<NotificationCommand>();
const spec = decider(notificationDecider);

const notice = {
  notificationId: 'n-1',
  kind: 'LINK_PAID',
  linkId: 'l-1',
  paymentId: 'p-1',
  customerId: 'c-1',
  amount: cad(30_000),
  bookingIds: ['b-1', 'b-2'],
} as const;
const requested: NotificationEvent = { type: 'AdminNotificationRequested', data: notice };
const request = (change: Partial<Record<keyof typeof notice, unknown>> = {}) =>
  command('RequestAdminNotification', { ...notice, ...change } as NotificationCommand['data']);

describe('RequestAdminNotification', () => {
  it('records the request with what the e-mail shows', () => {
    spec.given([]).when(request()).then([requested]);
  });

  it('is a no-op when the same fact asks again', () => {
    spec.given([requested]).when(request()).then([]);
  });

  it('rejects another notice under an id already used', () => {
    spec
      .given([requested])
      .when(request({ paymentId: 'p-2' }))
      .thenRejects('ALREADY_EXISTS', { notificationId: 'n-1' });
  });

  it.each([
    ['an unknown kind', 'kind', { kind: 'BIRTHDAY' }],
    ['a blank link id', 'linkId', { linkId: ' ' }],
    ['no bookings', 'bookingIds', { bookingIds: [] }],
    ['a repeated booking', 'bookingIds', { bookingIds: ['b-1', 'b-1'] }],
  ])('rejects %s', (_label, field, change) => {
    spec.given([]).when(request(change)).thenRejects('VALIDATION_FAILED', { field });
  });

  it('rejects a zero amount', () => {
    spec
      .given([])
      .when(request({ amount: cad(0) }))
      .thenRejects('INVALID_AMOUNT');
  });
});

describe('notification streams', () => {
  it('are named in a dash-free category and need an id', () => {
    expect(notificationStreamName('0b7a-41')).toBe('notification-0b7a-41');
    expect(() => notificationStreamName('')).toThrow('non-empty id');
  });
});
