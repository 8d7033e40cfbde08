/** Chooses the payment gateway the configuration names: Stripe with a secret key, else the sandbox. */
import type { Configuration } from '@ledger/config';
import type { PaymentGateway } from './payment-gateway.port.js';
import { SandboxPaymentGateway } from './sandbox/sandbox-payment-gateway.adapter.js';
import { StripePaymentGateway } from './stripe/stripe-payment-gateway.adapter.js';

export function createPaymentGateway(config: Pick<Configuration, 'payments'>, clock: { now(): Date }): PaymentGateway {
  const payments = config.payments;
  switch (payments.kind) {
    case 'sandbox':
      return new SandboxPaymentGateway({ file: payments.file, clock });
    case 'stripe':
      return new StripePaymentGateway({
        secretKey: payments.secretKey,
        ...(payments.host ? { host: payments.host } : {}),
        ...(payments.port ? { port: payments.port } : {}),
        ...(payments.protocol ? { protocol: payments.protocol } : {}),
      });
  }
}
