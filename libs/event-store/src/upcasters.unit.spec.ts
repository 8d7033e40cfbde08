// Upcasting on read: stored events stay frozen while the code moves on. Covers a renamed event,
// a reshaped event, chains of both, and the guards against ambiguous or cyclic registries.
import { UpcasterRegistry, renamed } from './upcasters.js';
import type { Upcaster } from './upcasters.js';

// Version 1 of the charge event carried a float in major units and a separate currency; the
// current shape carries a Money value in integer minor units.
const chargedV1ToV2: Upcaster = {
  fromType: 'Charged',
  upcast: ({ data }) => {
    const v1 = data as { paymentId: string; amount: number; currency: string };
    return { type: 'Charged.v2', data: { paymentId: v1.paymentId, amount: { amountMinor: Math.round(v1.amount * 100), currency: v1.currency } } };
  },
};

describe('upcasters', () => {
  it('renames an event and keeps its data', () => {
    const registry = new UpcasterRegistry().register(renamed('CardAdded', 'CardSaved'));
    expect(registry.upcast({ type: 'CardAdded', data: { cardId: 'c1' } })).toEqual({ type: 'CardSaved', data: { cardId: 'c1' } });
  });

  it('reshapes an event into its new version', () => {
    const registry = new UpcasterRegistry().register(chargedV1ToV2);
    expect(registry.upcast({ type: 'Charged', data: { paymentId: 'p1', amount: 12.5, currency: 'CAD' } })).toEqual({
      type: 'Charged.v2',
      data: { paymentId: 'p1', amount: { amountMinor: 1250, currency: 'CAD' } },
    });
  });

  it('follows a chain of a rename and a reshape', () => {
    const registry = new UpcasterRegistry().register(renamed('PaymentCaptured', 'Charged'), chargedV1ToV2);
    expect(registry.upcast({ type: 'PaymentCaptured', data: { paymentId: 'p', amount: 1, currency: 'USD' } }).type).toBe('Charged.v2');
  });

  it('leaves events no upcaster claims untouched', () => {
    const event = { type: 'BookingCreated', data: { x: 1 } };
    expect(new UpcasterRegistry().register(chargedV1ToV2).upcast(event)).toBe(event);
  });

  it('refuses two upcasters for one stored type, and a cycle', () => {
    expect(() => new UpcasterRegistry().register(renamed('A', 'B'), renamed('A', 'C'))).toThrow(/Two upcasters/);
    const cyclic = new UpcasterRegistry().register(renamed('A', 'B'), renamed('B', 'A'));
    expect(() => cyclic.upcast({ type: 'A', data: {} })).toThrow(/cycle/);
  });
});
