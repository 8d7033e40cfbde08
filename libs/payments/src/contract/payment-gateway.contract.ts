/**
 * The PaymentGateway contract: one suite that every adapter's integration spec runs. The shape
 * part runs everywhere; the behaviour parts run only where the target declares it can show them
 * (a stateless mock cannot remember a hold, so asserting what a capture does there would test
 * the mock's fixtures rather than the adapter).
 */
import { cardsContract } from './cards.contract.js';
import type { GatewayFixture, PaymentGatewayContractTarget } from './contract-support.js';
import { holdsContract } from './holds.contract.js';
import { idempotencyContract } from './idempotency.contract.js';
import { lookupContract } from './lookup.contract.js';
import { shapeContract } from './shape.contract.js';

export { TestClock } from './contract-support.js';
export type { GatewayFixture, PaymentGatewayContractTarget } from './contract-support.js';

export function paymentGatewayContract(
  name: string,
  target: PaymentGatewayContractTarget | undefined,
  skipReason?: string,
): void {
  if (!target) {
    describe(`PaymentGateway contract: ${name}`, () => {
      // Skipped on purpose and counted as skipped in the summary: the target needs a service this
      // run was not given, and the test name says what to set to run it.
      it.skip(`skipped: ${skipReason ?? 'not configured'}`, () => undefined);
    });
    console.warn(`PaymentGateway contract for ${name} skipped: ${skipReason ?? 'not configured'}`);
    return;
  }

  describe(`PaymentGateway contract: ${name}`, () => {
    let current: GatewayFixture | undefined;
    const fixture = (): GatewayFixture => {
      if (!current) throw new Error('The gateway fixture is only available inside a test');
      return current;
    };

    beforeEach(async () => {
      current = await target.open();
    });

    afterEach(async () => {
      if (current) await target.close(current);
      current = undefined;
    });

    describe('request and answer shapes', () => shapeContract(fixture));

    if (target.capabilities.stateful) {
      describe('cards', () => cardsContract(fixture));
      describe('holds and refunds', () => holdsContract(fixture, target.capabilities.controllableClock));
      describe('idempotency', () => idempotencyContract(fixture));
      describe('finding a payment again', () => lookupContract(fixture, target.capabilities.controllableClock));
    }
  });
}
