/**
 * The Stripe webhook endpoint and what it needs beyond the write side: the signature check with
 * the configured secrets, the processor that records each event once, and the processor index
 * (with the process manager that keeps it) for routing events to tenants and payments.
 */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { PaymentWebhookActions, ProcessorIndex, ProcessorIndexHost, ProcessorIndexKeeper, StripeWebhookProcessor } from '@ledger/application';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { StripeSignatureVerifier } from './stripe-signature.js';

@Module({})
export class WebhooksModule {
  static forRoot(config: Pick<Configuration, 'payments'>): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [StripeWebhookController],
      providers: [
        { provide: StripeSignatureVerifier, useValue: new StripeSignatureVerifier(config.payments.webhookSecrets) },
        ProcessorIndex,
        ProcessorIndexKeeper,
        ProcessorIndexHost,
        PaymentWebhookActions,
        StripeWebhookProcessor,
      ],
      exports: [ProcessorIndex, StripeWebhookProcessor],
    };
  }
}
