/**
 * Work the ledger does on its own: resuming interrupted payments, and capturing or expiring
 * holds before they lapse, every minute. With several API instances each job runs on the one
 * that holds its lease (`job:payment-reconciliation`, `job:hold-expiry`; see
 * ProcessManagerLeases): it runs when that instance takes the lease (at start-up, or on taking
 * over) and every minute after. Each run is idempotent, so a run repeated by a new holder after
 * a takeover is harmless; a run still in progress is not started again.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { HoldExpiryMonitor, PaymentReconciler, ProcessManagerLeases } from '@ledger/application';
import type { LeasedGroup } from '@ledger/application';

@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly group: LeasedGroup;

  constructor(reconciler: PaymentReconciler, holds: HoldExpiryMonitor, @Inject(ProcessManagerLeases) leases: ProcessManagerLeases) {
    this.group = leases.jobs([
      { name: 'payment-reconciliation', everyMs: 60_000, run: () => reconciler.reconcile() },
      // Hold by hold, so a run stops as soon as this instance no longer holds the lease.
      { name: 'hold-expiry', everyMs: 60_000, run: (leading) => holds.runOnce(leading) },
    ]);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.group.start();
  }

  /** Jobs finish before the stores they use close (in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}
