/**
 * Converges payments whose process was interrupted. Run at start-up (and periodically), it
 * reads the payment and booking categories of the log once and resumes:
 *
 * - an intent with no outcome: it asks the processor what became of the request (by its
 *   idempotency key) and records that outcome; if the processor never received it, the payment
 *   is recorded as abandoned and its reservations released, and nothing is charged;
 * - an outcome not yet applied to every booking it pays: it applies it.
 *
 * Payments younger than the grace period are left alone: their request may still be running.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import { paymentDecider } from '@ledger/domain';
import type { CommandContext, Payment, PaymentEvent, PaymentState } from '@ledger/domain';
import { PaymentGateway } from '@ledger/payments';
import { Clock } from '../clock.port.js';
import { isRejection } from '../application-error.js';
import { deriveId } from '../ids.js';
import { processorKey } from './card-payments.js';
import { LedgerReader, processorAccountOf } from './ledger-reader.js';
import { PaymentSettlement, bookingShares } from './payment-settlement.js';

export interface ReconcileSummary {
  readonly examined: number;
  readonly resolved: number;
  readonly abandoned: number;
  readonly reapplied: number;
}

interface Tracked {
  state: PaymentState;
  tenant: string;
  initiatedAt: string;
}

/** Booking-side entries per payment: `${bookingId}` -> the share's last event type. */
type Shares = Map<string, Map<string, string>>;

// Five minutes: longer than a request takes, and longer than Stripe's search index usually lags, so an
// intent the processor did receive is not mistaken for one it never saw.
export const RECONCILE_GRACE_MS = 5 * 60_000;

@Injectable()
export class PaymentReconciler {
  private readonly logger = new Logger(PaymentReconciler.name);

  constructor(
    private readonly store: EventStore,
    private readonly reader: LedgerReader,
    private readonly settlement: PaymentSettlement,
    private readonly gateway: PaymentGateway,
    private readonly clock: Clock,
  ) {}

  async reconcile(graceMs = RECONCILE_GRACE_MS): Promise<ReconcileSummary> {
    const { payments, shares } = await this.scan();
    const cutoff = this.clock.now().getTime() - graceMs;
    let resolved = 0;
    let abandoned = 0;
    let reapplied = 0;
    for (const tracked of payments.values()) {
      if (tracked.state.status === 'NONE' || Date.parse(tracked.initiatedAt) > cutoff) continue;
      const payment = tracked.state;
      const root = this.systemContext(tracked.tenant, payment.paymentId);
      try {
        if (payment.status === 'INITIATED') {
          if (await this.resolveOpen(root, tracked.tenant, payment)) resolved++;
          else abandoned++;
        } else if (!isSettled(payment, shares.get(payment.paymentId))) {
          await this.settlement.applyToBookings(root, payment);
          reapplied++;
        }
      } catch (error) {
        // One payment that cannot be resolved now must not stop the others; it is tried again next run.
        if (!isRejection(error)) this.logger.error(`Payment ${payment.paymentId} could not be reconciled: ${(error as Error).message}`);
      }
    }
    return { examined: payments.size, resolved, abandoned, reapplied };
  }

  /** Returns true when the processor knew the payment and its outcome is now recorded. */
  private async resolveOpen(root: CommandContext, tenantId: string, payment: Payment): Promise<boolean> {
    const tenant = await this.reader.tenant(tenantId);
    const outcome = await this.gateway.lookupPayment({
      account: processorAccountOf(tenant),
      paymentId: payment.paymentId,
      idempotencyKey: processorKey(payment.paymentId),
    });
    await this.settlement.reserve(root, payment.paymentId, payment.allocations).catch((error: unknown) => {
      if (!isRejection(error)) throw error;
    });
    const settled = outcome ?? { status: 'failed' as const, failureCode: 'abandoned', message: 'The payment was interrupted before it reached the processor' };
    await this.settlement.settle(root, payment.paymentId, settled).catch((error: unknown) => {
      if (!isRejection(error)) throw error;
    });
    return outcome !== undefined;
  }

  private systemContext(tenant: string, paymentId: string): CommandContext {
    const commandId = deriveId(paymentId, 'reconcile');
    return { commandId, tenant, actor: { kind: 'SYSTEM', id: 'payment-reconciler' }, now: this.clock.now().toISOString() };
  }

  /** One pass over the payment and booking categories of the log. */
  private async scan(): Promise<{ payments: Map<string, Tracked>; shares: Shares }> {
    const payments = new Map<string, Tracked>();
    const shares: Shares = new Map();
    for (let after: Position | undefined; ; ) {
      const page = await this.store.readAll({ filter: { streamCategories: ['payment', 'booking'] }, maxCount: 1000, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      for (const event of page) {
        if (event.streamName.startsWith('payment-')) track(payments, event);
        else trackShare(shares, event);
      }
      after = page[page.length - 1]!.position;
    }
    return { payments, shares };
  }
}

function track(payments: Map<string, Tracked>, event: RecordedEvent): void {
  const id = event.streamName.slice('payment-'.length);
  // The command's own time (occurredAt), not the store's, so the grace period follows the ledger's clock.
  const initiatedAt = typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt.toISOString();
  const current = payments.get(id) ?? { state: paymentDecider.initialState, tenant: String(event.metadata.tenant), initiatedAt };
  current.state = paymentDecider.evolve(current.state, { type: event.type, data: event.data } as PaymentEvent);
  payments.set(id, current);
}

const SHARE_EVENTS = new Set(['PaymentReserved', 'PaymentReservationReleased', 'PaymentApplied', 'AuthorizationApplied']);

function trackShare(shares: Shares, event: RecordedEvent): void {
  if (!SHARE_EVENTS.has(event.type)) return;
  const { bookingId, paymentId } = event.data as { bookingId: string; paymentId: string };
  const byBooking = shares.get(paymentId) ?? new Map<string, string>();
  byBooking.set(bookingId, event.type);
  shares.set(paymentId, byBooking);
}

/** Whether every booking the payment pays shows the payment's recorded outcome. */
function isSettled(payment: Payment, byBooking: Map<string, string> | undefined): boolean {
  return bookingShares(payment).every(({ bookingId, outcome }) => {
    const last = byBooking?.get(bookingId);
    // A share released before it was ever reserved has no booking-side record, which is as good.
    return outcome === undefined || last === outcome || (outcome === 'PaymentReservationReleased' && last === undefined);
  });
}
