// Goal: a captured hold lands on its bookings deterministically: the captured money fills the
// shares in the payment's order and a share that receives none of it is released.
// Method: pure inputs (a payment's captured amount and shares), asserting the split.
import { cad } from '@ledger/testing';
import { capturedShares } from './hold-shares.js';

const shares = [
  { bookingId: 'b-1', amount: cad(6_000) },
  { bookingId: 'b-2', amount: cad(4_000) },
];

describe('capturedShares', () => {
  it('applies every share in full when the whole hold is captured', () => {
    expect(capturedShares({ captured: cad(10_000), allocations: shares })).toEqual({ applied: shares, released: [] });
  });

  it('fills the shares in order and applies the last one in part', () => {
    expect(capturedShares({ captured: cad(7_500), allocations: shares })).toEqual({
      applied: [
        { bookingId: 'b-1', amount: cad(6_000) },
        { bookingId: 'b-2', amount: cad(1_500) },
      ],
      released: [],
    });
  });

  it('releases the shares the captured money does not reach', () => {
    expect(capturedShares({ captured: cad(2_500), allocations: shares })).toEqual({
      applied: [{ bookingId: 'b-1', amount: cad(2_500) }],
      released: ['b-2'],
    });
  });

  it('releases every share when nothing was captured', () => {
    expect(capturedShares({ captured: cad(0), allocations: shares })).toEqual({ applied: [], released: ['b-1', 'b-2'] });
  });
});
