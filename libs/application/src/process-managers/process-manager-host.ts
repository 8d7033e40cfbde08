/**
 * Runs every process manager for as long as the application lives. Only the process that should
 * react to events (the API in embedded mode, or a dedicated worker) provides this host; the CLI
 * and the tests build the managers without it, so nothing charges cards behind their back.
 *
 * Several API instances may host it at once: each manager runs on the one instance that holds
 * its lease (ProcessManagerLeases, which the app provides once per process) and the others wait
 * to take over. A runner that stops on an error stays failed here, for health checks to see.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import { AdminNotificationMailer } from '../notifications/admin-notification-mailer.js';
import { ReceiptMailer } from '../notifications/receipt-mailer.js';
import { LinkPaidNotifier } from './link-paid-notifier.js';
import { PaymentAutomation } from './payment-automation.js';
import { ProcessManagerLeases } from './process-manager-leases.js';
import type { BackgroundStatus, LeasedGroup } from './process-manager-leases.js';

// The leasing every host uses, reached through this module's place in the library's index.
export * from './process-manager-leases.js';

export const processManagers = [PaymentAutomation, LinkPaidNotifier];

@Injectable()
export class ProcessManagerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly group: LeasedGroup;

  constructor(
    store: EventStore,
    @Inject(ProcessManagerLeases) leases: ProcessManagerLeases,
    automation: PaymentAutomation,
    notifier: LinkPaidNotifier,
    adminMailer: AdminNotificationMailer,
    receipts: ReceiptMailer,
  ) {
    // The mailers come from `notificationServices` (they need MailModule), not `processManagers`.
    this.group = leases.managers(store, [automation, notifier, adminMailer, receipts]);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.group.start();
  }

  /** Before the stores close (their modules close them in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }

  status(): BackgroundStatus[] {
    return this.group.status();
  }
}

export const processManagerHosting = [ProcessManagerHost];
