/**
 * The write side on Stripe under faults, for the application's fault specs: a Testbed (SQLite
 * event store, sandbox processor) seeds payments through the ledger's own commands, and the
 * services under test (the reconciler, holds, refunds) are built again around a real
 * StripePaymentGateway whose SDK talks to the Stripe test server (@ledger/testing) in front of
 * stripe-mock, the faults it injects on demand. What Stripe "holds" (an intent that succeeded, a
 * refund made) is stripe-mock's answer reshaped by that server, with the ids and metadata the
 * ledger sent.
 */
import { streamName, tenantDecider } from '@ledger/domain';
import { StripePaymentGateway } from '@ledger/payments';
import { StripeTestServer, ledgerIntent, listOf, listing, reshaped, type JsonObject } from '@ledger/testing';
import { CardVault } from '../cards/card-vault.js';
import { CommandContexts } from '../command-contexts.js';
import { RefundPaymentHandler } from '../commands/refund.handlers.js';
import { Holds } from '../commands/holds.js';
import { IdempotencyGuard } from '../idempotency.js';
import { HoldExpiryMonitor } from '../process-managers/hold-expiry.js';
import type { Testbed } from '../testing/testbed.js';
import { CardPayments } from './card-payments.js';
import { LedgerReader } from './ledger-reader.js';
import { PaymentReconciler } from './payment-reconciler.js';
import { PaymentSettlement } from './payment-settlement.js';
import { StepProbe } from './step-probe.js';

export { StripeTestServer, ledgerIntent, listOf, listing, reshaped };
export type { JsonObject };

const host = process.env.STRIPE_MOCK_HOST;
const port = Number(process.env.STRIPE_MOCK_PORT ?? 0);

/** `describe` when stripe-mock runs (scripts/test-services.sh), else a skip that says why. */
export const describeWithStripeMock = (name: string, body: () => void): void =>
  host && port ? describe(name, body) : describe.skip(`${name} (skipped: STRIPE_MOCK_HOST/PORT not set)`, body);

/** The Stripe test server in front of stripe-mock, passing everything through until a test injects a fault. */
export function startStripeTestServer(): Promise<StripeTestServer> {
  return StripeTestServer.start({ stripeMock: { host: host ?? '127.0.0.1', port } });
}

/** The production adapter, its SDK pointed at the Stripe test server; one SDK retry, as in production. */
export function stripeGateway(faults: StripeTestServer): StripePaymentGateway {
  return new StripePaymentGateway({
    secretKey: 'sk_test_faults',
    host: '127.0.0.1',
    port: faults.port,
    protocol: 'http',
    maxNetworkRetries: 1,
    timeoutMs: 2_000,
  });
}

export function reconcilerOn(bed: Testbed, gateway: StripePaymentGateway): PaymentReconciler {
  return new PaymentReconciler(bed.store, bed.get(LedgerReader), bed.get(PaymentSettlement), gateway, bed.clock);
}

export function cardPaymentsOn(bed: Testbed, gateway: StripePaymentGateway): CardPayments {
  return new CardPayments(bed.get(LedgerReader), gateway, bed.get(PaymentSettlement), new StepProbe(), bed.get(CardVault));
}

export function holdsOn(bed: Testbed, gateway: StripePaymentGateway): Holds {
  return new Holds(bed.runner, bed.get(LedgerReader), gateway, bed.store, new StepProbe(), bed.get(PaymentSettlement));
}

/** The hold-expiry monitor with its holds and fallback charges on the Stripe adapter. */
export function holdExpiryOn(bed: Testbed, gateway: StripePaymentGateway): HoldExpiryMonitor {
  const { store, clock } = bed;
  return new HoldExpiryMonitor(store, clock, bed.get(CommandContexts), bed.get(LedgerReader), bed.runner, holdsOn(bed, gateway), cardPaymentsOn(bed, gateway));
}

export function refundsOn(bed: Testbed, gateway: StripePaymentGateway): RefundPaymentHandler {
  return new RefundPaymentHandler(bed.get(IdempotencyGuard), bed.get(CommandContexts), bed.get(LedgerReader), bed.runner, gateway);
}

/**
 * The tenant moves to another connected account, as a business does after its first one was
 * restricted: the account stops taking charges, a new one is connected and becomes active.
 */
export async function switchAccount(bed: Testbed, from: string, to: string): Promise<void> {
  const stream = streamName.tenant(bed.tenantId);
  const tenantId = bed.tenantId;
  const decide = (command: Parameters<typeof tenantDecider.decide>[0]) => bed.runner.decide(stream, tenantDecider, command);
  await decide({ type: 'UpdateStripeAccount', data: { tenantId, accountId: from, chargesEnabled: false, state: 'PENDING' }, context: bed.context() });
  await decide({ type: 'StartStripeConnect', data: { tenantId, accountId: to }, context: bed.context() });
  await decide({ type: 'UpdateStripeAccount', data: { tenantId, accountId: to, chargesEnabled: true, state: 'ACTIVE' }, context: bed.context() });
}
