// Goal: the given/when/then helper fails loudly whenever the decider does not do what a test says.
// Method: a toy counter decider, and assertions that mismatched expectations throw.
import { type Decider, DomainError } from '@ledger/domain';
import { decider, stateAfter } from './decider-spec.js';

type Added = { type: 'Added'; data: { amount: number } };
type Add = { type: 'Add'; amount: number };
const counter: Decider<Add, Added, number> = {
  initialState: 0,
  decide: (command, total) => {
    if (command.amount <= 0) throw new DomainError('INVALID_AMOUNT', 'positive only', { amount: command.amount });
    if (command.amount > 100) throw new Error('not a domain rejection');
    return total + command.amount > 10 ? [] : [{ type: 'Added', data: { amount: command.amount } }];
  },
  evolve: (total, event) => total + event.data.amount,
};
const added = (amount: number): Added => ({ type: 'Added', data: { amount } });
const spec = decider(counter);

describe('decider spec helper', () => {
  it('passes when the decided events match exactly', () => {
    spec
      .given([added(2)])
      .when({ type: 'Add', amount: 3 })
      .then([added(3)]);
    spec
      .given([added(9)])
      .when({ type: 'Add', amount: 3 })
      .then([]);
  });

  it('fails when the events differ', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'Add', amount: 3 })
        .then([added(4)]),
    ).toThrow();
  });

  it('returns the rejection and checks its code and details', () => {
    const error = spec.given([]).when({ type: 'Add', amount: 0 }).thenRejects('INVALID_AMOUNT', { amount: 0 });
    expect(error.message).toBe('positive only');
    expect(() => spec.given([]).when({ type: 'Add', amount: 0 }).thenRejects('NOT_FOUND')).toThrow();
    expect(() =>
      spec.given([]).when({ type: 'Add', amount: 0 }).thenRejects('INVALID_AMOUNT', { amount: 1 }),
    ).toThrow();
  });

  it('fails when a rejection was expected but events were decided', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 1 }).thenRejects('INVALID_AMOUNT')).toThrow(/decided/);
  });

  it('lets errors that are not domain rejections through', () => {
    expect(() => spec.given([]).when({ type: 'Add', amount: 101 }).thenRejects('INVALID_AMOUNT')).toThrow(
      'not a domain rejection',
    );
  });

  it('folds events into state', () => {
    expect(stateAfter(counter, [added(2), added(5)])).toBe(7);
  });
});
