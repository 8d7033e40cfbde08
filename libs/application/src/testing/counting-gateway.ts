/** Wraps a gateway to count calls, so tests can show "one processor call" rather than assume it. */
import type { PaymentGateway } from '@ledger/payments';

export interface CountedGateway {
  readonly gateway: PaymentGateway;
  readonly calls: Record<string, number>;
}

export function countingGateway(inner: PaymentGateway): CountedGateway {
  const calls: Record<string, number> = {};
  const gateway = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { gateway, calls };
}
