// Goal: money arithmetic is exact and refuses anything that could lose or invent a cent.
// Method: call the helpers directly and assert results or the DomainError code they throw.
import {
  formatMoney,
  addMoney,
  assertPositiveAmount,
  compareMoney,
  DomainError,
  money,
  moneyEquals,
  subtractMoney,
  sumMoney,
  zeroMoney,
} from '@ledger/domain';

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('money', () => {
  it('keeps integer minor units and the currency', () => {
    expect(money(1999, 'CAD')).toStrictEqual({ amountMinor: 1999, currency: 'CAD' });
  });

  it('accepts amounts beyond 2^31 up to the safe integer limit', () => {
    expect(money(Number.MAX_SAFE_INTEGER, 'USD').amountMinor).toBe(9007199254740991);
  });

  it('normalises negative zero so equal amounts compare equal', () => {
    expect(Object.is(money(-0, 'CAD').amountMinor, 0)).toBe(true);
  });

  it.each([12.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity])('rejects %p as INVALID_AMOUNT', (amountMinor) => {
    expect(codeOf(() => money(amountMinor, 'CAD'))).toBe('INVALID_AMOUNT');
  });

  it.each(['cad', 'CA', 'CADX', ''])('rejects the currency %p', (currency) => {
    expect(codeOf(() => money(100, currency))).toBe('VALIDATION_FAILED');
  });

  it('adds, subtracts and compares within one currency', () => {
    const ten = money(1000, 'CAD');
    const three = money(300, 'CAD');
    expect(addMoney(ten, three)).toStrictEqual(money(1300, 'CAD'));
    expect(subtractMoney(three, ten)).toStrictEqual(money(-700, 'CAD'));
    expect([compareMoney(three, ten), compareMoney(ten, ten), compareMoney(ten, three)]).toStrictEqual([-1, 0, 1]);
    expect(moneyEquals(ten, money(1000, 'CAD'))).toBe(true);
  });

  it('refuses to mix currencies', () => {
    const cad = money(100, 'CAD');
    const usd = money(100, 'USD');
    expect(codeOf(() => addMoney(cad, usd))).toBe('CURRENCY_MISMATCH');
    expect(codeOf(() => subtractMoney(cad, usd))).toBe('CURRENCY_MISMATCH');
    expect(codeOf(() => compareMoney(cad, usd))).toBe('CURRENCY_MISMATCH');
    expect(codeOf(() => sumMoney([cad, usd], 'CAD'))).toBe('CURRENCY_MISMATCH');
    expect(moneyEquals(cad, usd)).toBe(false);
  });

  it('sums an empty list to zero in the stated currency', () => {
    expect(sumMoney([], 'EUR')).toStrictEqual(zeroMoney('EUR'));
    expect(sumMoney([money(1, 'EUR'), money(2, 'EUR')], 'EUR')).toStrictEqual(money(3, 'EUR'));
  });

  it('rejects a sum that would leave the safe integer range instead of rounding it', () => {
    expect(codeOf(() => addMoney(money(Number.MAX_SAFE_INTEGER, 'CAD'), money(1, 'CAD')))).toBe('INVALID_AMOUNT');
  });

  it.each([0, -1, 0.5])('refuses %p as a positive amount to move', (amountMinor) => {
    expect(codeOf(() => assertPositiveAmount({ amountMinor, currency: 'CAD' }))).toBe('INVALID_AMOUNT');
  });

  it('formats minor units exactly, whatever the size, the sign or the currency', () => {
    expect(formatMoney(money(12_550, 'CAD'), 'en-US')).toBe('CA$125.50');
    expect(formatMoney(money(7, 'CAD'), 'en-CA')).toBe('$0.07');
    expect(formatMoney(money(Number.MAX_SAFE_INTEGER, 'USD'), 'en-US')).toBe('$90,071,992,547,409.91');
    expect(formatMoney(money(500, 'JPY'), 'en-US')).toBe('¥500');
    expect(formatMoney({ amountMinor: -1_050, currency: 'EUR' }, 'en-US')).toBe('-€10.50');
  });
});
