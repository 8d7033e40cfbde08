/**
 * Which ledger payment and which tenant a processor id belongs to. Stripe events name the
 * PaymentIntent (`pi_...`) or the connected account (`acct_...`); disputes and refunds carry no
 * ledger metadata, so the ledger keeps one small index stream per processor id:
 *
 *   stripepayment-<pi_...>   -> { tenant, paymentId }, from Charged / PaymentAuthorized / ChargeFailed
 *   stripeaccount-<acct_...> -> { tenant },            from StripeConnectStarted / StripeAccountUpdated
 *
 * They are written by a process manager following the log, so nothing on the payment path waits
 * for them, and each is appended once ("no stream" expected): the first owner of an id keeps it.
 * An account missing from its index (the manager lagging) is looked up in the log itself; tenants
 * are few and account events rare.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import { deriveId } from '../ids.js';
import { ProcessManagerLeases } from '../process-managers/process-manager-leases.js';
import type { LeasedGroup } from '../process-managers/process-manager-leases.js';
import type { ProcessManager } from '../process-managers/process-manager-runner.js';

export interface IndexedPayment {
  readonly tenant: string;
  readonly paymentId: string;
}

type PaymentIndexed = { type: 'ProcessorPaymentIndexed'; data: { processorPaymentId: string } & IndexedPayment };
type AccountIndexed = { type: 'ProcessorAccountIndexed'; data: { accountId: string; tenant: string } };

export function processorPaymentStream(processorPaymentId: string): string {
  return `stripepayment-${processorPaymentId}`;
}

export function processorAccountStream(accountId: string): string {
  return `stripeaccount-${accountId}`;
}

const PAYMENT_EVENTS = ['Charged', 'PaymentAuthorized', 'ChargeFailed'];
const ACCOUNT_EVENTS = ['StripeConnectStarted', 'StripeAccountUpdated'];

@Injectable()
export class ProcessorIndex {
  constructor(private readonly store: EventStore) {}

  async payment(processorPaymentId: string): Promise<IndexedPayment | undefined> {
    const [first] = await this.store.readStream(processorPaymentStream(processorPaymentId), { maxCount: 1 });
    if (first?.type !== 'ProcessorPaymentIndexed') return undefined;
    const { tenant, paymentId } = first.data as PaymentIndexed['data'];
    return { tenant, paymentId };
  }

  async tenantOfAccount(accountId: string): Promise<string | undefined> {
    const [first] = await this.store.readStream(processorAccountStream(accountId), { maxCount: 1 });
    if (first?.type === 'ProcessorAccountIndexed') return (first.data as AccountIndexed['data']).tenant;
    return this.scanForAccount(accountId);
  }

  /** The first tenant that connected the account, from the log: the index's own source of truth. */
  private async scanForAccount(accountId: string): Promise<string | undefined> {
    for (let after: Position | undefined; ; ) {
      const page = await this.store.readAll({ filter: { eventTypes: ['StripeConnectStarted'] }, maxCount: 500, ...(after ? { after } : {}) });
      const found = page.find((event) => (event.data as { accountId?: unknown }).accountId === accountId);
      if (found) return typeof found.metadata.tenant === 'string' ? found.metadata.tenant : undefined;
      if (page.length === 0) return undefined;
      after = page[page.length - 1]!.position;
    }
  }
}

/** Keeps the index streams; safe to run twice over the same events. */
@Injectable()
export class ProcessorIndexKeeper implements ProcessManager {
  readonly name = 'processor-index';
  readonly eventTypes = [...PAYMENT_EVENTS, ...ACCOUNT_EVENTS];

  constructor(private readonly store: EventStore) {}

  async handle(event: RecordedEvent): Promise<string> {
    const tenant = event.metadata.tenant;
    if (typeof tenant !== 'string') return 'skipped: the event names no tenant';
    if (ACCOUNT_EVENTS.includes(event.type)) {
      const { accountId } = event.data as { accountId: string };
      return this.index(processorAccountStream(accountId), { type: 'ProcessorAccountIndexed', data: { accountId, tenant } });
    }
    const { processorPaymentId, paymentId } = event.data as { processorPaymentId?: string; paymentId: string };
    // A decline before the processor created anything has no processor id to index.
    if (!processorPaymentId) return 'skipped: no processor payment id';
    const data = { processorPaymentId, tenant, paymentId };
    return this.index(processorPaymentStream(processorPaymentId), { type: 'ProcessorPaymentIndexed', data });
  }

  private async index(stream: string, entry: PaymentIndexed | AccountIndexed): Promise<string> {
    // A derived event id makes the append of an identical entry a harmless repeat.
    const event = { id: deriveId('processor-index', stream, entry.data.tenant), ...entry, metadata: { tenant: entry.data.tenant } };
    try {
      await this.store.appendToStream(stream, [event], { expectedRevision: 'no_stream' });
      return `indexed ${stream}`;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const [first] = await this.store.readStream(stream, { maxCount: 1 });
      const owner = (first?.data as { tenant?: string } | undefined)?.tenant;
      // The same processor id under two tenants is never legitimate; the first owner keeps it.
      return owner === entry.data.tenant ? `already indexed ${stream}` : `refused ${stream}: already belongs to tenant ${owner}`;
    }
  }
}

/** Runs the index keeper for as long as the API lives, on the one instance that holds its lease. */
@Injectable()
export class ProcessorIndexHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly group: LeasedGroup;

  constructor(store: EventStore, keeper: ProcessorIndexKeeper, @Inject(ProcessManagerLeases) leases: ProcessManagerLeases) {
    this.group = leases.managers(store, [keeper]);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.group.start();
  }

  /** Before the event store closes (its module closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.group.stop();
  }
}
