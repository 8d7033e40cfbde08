// Goal: the API's amounts are exact both ways. SafeInt takes integer literals and JSON numbers
// only (a digit string such as "100" is a type error), and never answers a rounded number; the
// collections report sums its day rows exactly and refuses, by name, a total beyond 2^53-1.
// Method: the scalar's parse and serialize functions and the pure grouping function, called
// directly; totals compared with bigint arithmetic done in the test.
import { Kind, type ValueNode } from 'graphql';
import { DomainError, MAX_AMOUNT_MINOR } from '@ledger/domain';
import type { CollectionsDailyDocument } from '@ledger/projections';
import { moneyFromExact, SafeInt } from './common/scalars.js';
import { groupCollections } from './resolvers/report.resolver.js';
import { ReportGrouping } from './types/enums.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('SafeInt', () => {
  it('takes JSON numbers and integer literals within ±(2^53-1)', () => {
    expect(SafeInt.parseValue(100)).toBe(100);
    expect(SafeInt.parseValue(-MAX_SAFE)).toBe(-MAX_SAFE);
    expect(SafeInt.parseLiteral({ kind: Kind.INT, value: String(MAX_SAFE) })).toBe(MAX_SAFE);
  });

  it.each([['100'], ['1e3'], [12.5], [MAX_SAFE + 1], [null], [true]])('refuses %p as a variable, naming it', (value) => {
    expect(thrown(() => SafeInt.parseValue(value))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' }, message: expect.stringContaining(`cannot represent ${typeof value === 'string' ? `"${value}"` : String(value)}`) });
  });

  it.each([
    { kind: Kind.STRING, value: '100' },
    { kind: Kind.INT, value: '9007199254740992' },
    { kind: Kind.INT, value: '90071992547409931' },
  ])('refuses the literal %p', (ast) => {
    expect(thrown(() => SafeInt.parseLiteral(ast as ValueNode))).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' } });
  });

  it('answers safe integers, and refuses an integer beyond the range as AMOUNT_OUT_OF_RANGE instead of rounding it', () => {
    expect(SafeInt.serialize(MAX_SAFE)).toBe(MAX_SAFE);
    expect(thrown(() => SafeInt.serialize(2 ** 53))).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    expect(thrown(() => SafeInt.serialize(2n ** 60n))).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    expect(thrown(() => SafeInt.serialize('100'))).not.toBeInstanceOf(DomainError);
  });

  it('turns an exact total into Money, or refuses it naming the field', () => {
    expect(moneyFromExact(BigInt(MAX_SAFE), 'CAD', 'balance')).toEqual({ amountMinor: MAX_SAFE, currency: 'CAD' });
    expect(thrown(() => moneyFromExact(BigInt(MAX_SAFE) + 1n, 'CAD', 'balance'))).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', details: { field: 'balance' } });
  });
});

describe('collections report grouping', () => {
  const day = (date: string, method: string, collected: bigint, refunded = 0n, count = 1): CollectionsDailyDocument => ({
    tenant: 't',
    day: date,
    method: method as CollectionsDailyDocument['method'],
    count,
    collected: collected.toString(),
    refunded: refunded.toString(),
    net: (collected - refunded).toString(),
    currency: 'CAD',
    position: '0000000000000001',
  });
  const max = BigInt(MAX_AMOUNT_MINOR);

  it('sums days and methods at the maximum exactly', () => {
    const days = [day('2026-03-10', 'CASH', 2n * max, 0n, 2), day('2026-03-11', 'CASH', max - 1n), day('2026-03-11', 'CHECK', max, 7n)];
    expect(groupCollections(days, [ReportGrouping.METHOD], 'CAD')).toEqual([
      { day: null, method: 'CASH', count: 3, collected: { amountMinor: Number(3n * max - 1n), currency: 'CAD' }, refunded: { amountMinor: 0, currency: 'CAD' }, net: { amountMinor: Number(3n * max - 1n), currency: 'CAD' } },
      { day: null, method: 'CHECK', count: 1, collected: { amountMinor: MAX_AMOUNT_MINOR, currency: 'CAD' }, refunded: { amountMinor: 7, currency: 'CAD' }, net: { amountMinor: MAX_AMOUNT_MINOR - 7, currency: 'CAD' } },
    ]);
  });

  it('refuses a total beyond 2^53-1 by name rather than round it, while a grouping within range still answers', () => {
    const days = [day('2026-03-10', 'CASH', BigInt(MAX_SAFE)), day('2026-03-11', 'CASH', 2n)];
    expect(groupCollections(days, [ReportGrouping.DAY], 'CAD').map((row) => row.collected.amountMinor)).toEqual([MAX_SAFE, 2]);
    expect(thrown(() => groupCollections(days, [], 'CAD'))).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', details: { field: 'collected', totalMinor: '9007199254740993' } });
  });
});
