/**
 * The write side as a Nest module: the command bus with every handler, the decision runner and
 * idempotency keys over the configured event store, the configured payment gateway, and the
 * configured mailer (MailModule) with the e-mails sent through it.
 */
import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Configuration } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { MailModule } from '@ledger/mail';
import { PaymentGateway, createPaymentGateway } from '@ledger/payments';
import { Clock, SystemClock } from './clock.port.js';
import { CommandContexts } from './command-contexts.js';
import { AuthorizePaymentHandler, ChargeBookingHandler, ChargeCustomerHandler } from './commands/charge.handlers.js';
import { bookingHandlers } from './commands/booking.handlers.js';
import { holdHandlers, holdServices } from './commands/hold.handlers.js';
import { offlineHandlers } from './commands/offline.handlers.js';
import { refundHandlers } from './commands/refund.handlers.js';
import { holdExpiryServices } from './process-managers/hold-expiry.js';
import { processManagers } from './process-managers/process-manager-host.js';
import { paymentLinkHandlers } from './commands/payment-link.handlers.js';
import { customerHandlers } from './commands/customer.handlers.js';
import { tenantHandlers } from './commands/tenant.handlers.js';
import { ApiKeyAuthenticator, apiKeyHandlers } from './api-keys/api-keys.js';
import { cardServices } from './cards/card-vault.js';
import { DecisionRunner } from './decision-runner.js';
import { notificationServices } from './notifications/index.js';
import { IdempotencyGuard } from './idempotency.js';
import { CardPayments } from './payments/card-payments.js';
import { CustomerBookings, LogScanningCustomerBookings } from './payments/customer-bookings.port.js';
import { LedgerReader } from './payments/ledger-reader.js';
import { PaymentReconciler } from './payments/payment-reconciler.js';
import { PaymentSettlement } from './payments/payment-settlement.js';
import { StepProbe } from './payments/step-probe.js';

export const commandHandlers = [
  ChargeBookingHandler,
  AuthorizePaymentHandler,
  ChargeCustomerHandler,
  ...tenantHandlers,
  ...customerHandlers,
  ...bookingHandlers,
  ...holdHandlers,
  ...offlineHandlers,
  ...refundHandlers,
  ...paymentLinkHandlers,
  ...apiKeyHandlers,
];

export const applicationServices = [
  DecisionRunner,
  IdempotencyGuard,
  CommandContexts,
  LedgerReader,
  PaymentSettlement,
  CardPayments,
  StepProbe,
  PaymentReconciler,
  ApiKeyAuthenticator,
  ...cardServices,
  ...holdServices,
  ...holdExpiryServices,
  ...processManagers,
];

@Global()
@Module({})
export class LedgerApplicationModule implements OnApplicationShutdown {
  constructor(@Inject(PaymentGateway) private readonly gateway: PaymentGateway) {}

  static forRoot(config: Configuration): DynamicModule {
    return {
      module: LedgerApplicationModule,
      imports: [CqrsModule.forRoot(), EventStoreModule.forRoot(config), MailModule.forRoot(config)],
      providers: [
        { provide: Clock, useClass: SystemClock },
        { provide: PaymentGateway, useFactory: (clock: Clock) => createPaymentGateway(config, clock), inject: [Clock] },
        { provide: CustomerBookings, useClass: LogScanningCustomerBookings },
        ...applicationServices,
        ...notificationServices,
        ...commandHandlers,
      ],
      exports: [Clock, PaymentGateway, CustomerBookings, ...applicationServices, ...notificationServices],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    const closable = this.gateway as PaymentGateway & { close?: () => Promise<void> | void };
    await closable.close?.();
  }
}
