/**
 * Runs every process manager for as long as the application lives. Only the process that should
 * react to events (the API in embedded mode, or a dedicated worker) provides this host; the CLI
 * and the tests build the managers without it, so nothing charges cards behind their back.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import { AdminNotificationMailer } from '../notifications/admin-notification-mailer.js';
import { ReceiptMailer } from '../notifications/receipt-mailer.js';
import { LinkPaidNotifier } from './link-paid-notifier.js';
import { PaymentAutomation } from './payment-automation.js';
import { ProcessManagerRunner } from './process-manager-runner.js';

export const processManagers = [PaymentAutomation, LinkPaidNotifier];

@Injectable()
export class ProcessManagerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProcessManagers');
  private readonly runners: ProcessManagerRunner[];

  constructor(
    store: EventStore,
    automation: PaymentAutomation,
    notifier: LinkPaidNotifier,
    adminMailer: AdminNotificationMailer,
    receipts: ReceiptMailer,
  ) {
    // The mailers come from `notificationServices` (they need MailModule), not `processManagers`.
    this.runners = [automation, notifier, adminMailer, receipts].map((manager) => new ProcessManagerRunner(store, manager));
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
    // A runner that stops on its own has logged why; the others keep going.
    for (const runner of this.runners) runner.stopped().catch((error: unknown) => this.logger.error(String(error)));
  }

  /** Before the stores close (their modules close them in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    const results = await Promise.allSettled(this.runners.map((runner) => runner.stop()));
    for (const result of results) if (result.status === 'rejected') this.logger.error(String(result.reason));
  }
}

export const processManagerHosting = [ProcessManagerHost];
