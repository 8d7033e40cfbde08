// Goal: the expiry monitor's view of holds follows the log: a hold is watched from its
// authorisation until it is captured or released, and after it expires until its fallback charge
// has an outcome or its fallback window has passed; it is due near its deadline, not before.
// Method: payment events applied to a fresh HoldIndex, asserting what `due` returns at given times.
import { HoldIndex, fallbackCommandId } from './hold-index.js';
import { paymentIdFor } from '../payments/card-payments.js';

const HOUR_MS = 60 * 60_000;
const deadline = '2026-11-29T10:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(deadline) + offsetMs);
const due = (index: HoldIndex, offsetMs: number) => index.due(at(offsetMs), 12 * HOUR_MS, 24 * HOUR_MS).map((hold) => [hold.paymentId, hold.status]);

function indexWith(...events: { type: string; paymentId: string }[]): HoldIndex {
  const index = new HoldIndex();
  index.apply({ type: 'PaymentAuthorized', data: { paymentId: 'p-1', captureBefore: deadline }, tenant: 'acme' });
  for (const { type, paymentId } of events) index.apply({ type, data: { paymentId }, tenant: 'acme' });
  return index;
}

describe('HoldIndex', () => {
  it('makes an open hold due within the margin of its deadline, and after it', () => {
    const index = indexWith();
    expect(due(index, -13 * HOUR_MS)).toEqual([]);
    expect(due(index, -12 * HOUR_MS)).toEqual([['p-1', 'OPEN']]);
    expect(due(index, HOUR_MS)).toEqual([['p-1', 'OPEN']]);
    expect(index.due(at(0), 0, 0)[0]).toMatchObject({ tenant: 'acme', captureBefore: deadline });
  });

  it.each(['Charged', 'AuthorizationReleased', 'ChargeFailed'])('forgets a hold that ended with %s', (type) => {
    expect(due(indexWith({ type, paymentId: 'p-1' }), 0)).toEqual([]);
  });

  it('keeps an expired hold until its fallback charge has an outcome', () => {
    const fallback = paymentIdFor(fallbackCommandId('p-1'));
    const expired = indexWith({ type: 'AuthorizationExpired', paymentId: 'p-1' });
    expect(due(expired, HOUR_MS)).toEqual([['p-1', 'EXPIRED']]);
    expired.apply({ type: 'PaymentInitiated', data: { paymentId: fallback }, tenant: 'acme' });
    expect(due(expired, HOUR_MS)).toEqual([['p-1', 'EXPIRED']]);
    expired.apply({ type: 'Charged', data: { paymentId: fallback }, tenant: 'acme' });
    expect(due(expired, HOUR_MS)).toEqual([]);
    expect(expired.size).toBe(0);
  });

  it('forgets an expired hold once its fallback window has passed', () => {
    const index = indexWith({ type: 'AuthorizationExpired', paymentId: 'p-1' });
    expect(due(index, 24 * HOUR_MS)).toEqual([]);
    expect(index.size).toBe(0);
  });

  it('ignores outcomes of payments it does not watch', () => {
    const index = indexWith({ type: 'Charged', paymentId: 'p-2' });
    expect(due(index, 0)).toEqual([['p-1', 'OPEN']]);
  });
});
