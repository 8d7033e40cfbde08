/**
 * Converges payments whose process was interrupted. Run at start-up (and periodically), it
 * reads the payment and booking categories of the log once and resumes:
 *
 * - an intent with no outcome: it asks the processor what became of the request (on the account
 *   the payment was made on, by its payment id and the time its intent was recorded) and records
 *   that outcome. Only a proof that the processor never received it (a strongly consistent read
 *   of everything created since) records the payment as abandoned and releases its reservations.
 *   When nothing can be proven (the processor is down, or too much to read), the payment stays
 *   open, is logged and counted as `unresolved`, and is asked about again next run;
 * - an outcome not yet applied to every booking it pays: it applies it.
 *
 * Payments younger than the grace period are left alone: their request may still be running.
 */
import { Injectable, Logger } from '@nestjs/common';
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import { paymentDecider } from '@ledger/domain';
import type { CommandContext, Payment, PaymentEvent, PaymentState } from '@ledger/domain';
import { PaymentGateway, PaymentGatewayError } from '@ledger/payments';
import type { PaymentOutcome } from '@ledger/payments';
import { Clock } from '../clock.port.js';
import { isRejection } from '../application-error.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from './ledger-reader.js';
import { intentRecordedAt, paymentLookup } from './payment-lookup.js';
import { PaymentSettlement, bookingShares } from './payment-settlement.js';

export interface ReconcileSummary {
  readonly examined: number;
  readonly resolved: number;
  readonly abandoned: number;
  readonly reapplied: number;
  /** Open intents whose fate the processor could not prove this run: left open, tried again next run. */
  readonly unresolved: number;
}

type Fate = 'resolved' | 'abandoned' | 'unresolved';

interface Tracked {
  state: PaymentState;
  tenant: string;
  initiatedAt: string;
}

/** Booking-side entries per payment: `${bookingId}` -> the share's last event type. */
type Shares = Map<string, Map<string, string>>;

// Five minutes: longer than a request (with the SDK's retries) can still be on its way, so a read
// that finds nothing is not racing a request that is about to arrive.
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
    const counts = { resolved: 0, abandoned: 0, unresolved: 0, reapplied: 0 };
    for (const tracked of payments.values()) {
      if (tracked.state.status === 'NONE' || Date.parse(tracked.initiatedAt) > cutoff) continue;
      const payment = tracked.state;
      const root = this.systemContext(tracked.tenant, payment.paymentId);
      try {
        if (payment.status === 'INITIATED') {
          counts[await this.resolveOpen(root, tracked, payment)]++;
        } else if (!isSettled(payment, shares.get(payment.paymentId))) {
          await this.settlement.applyToBookings(root, payment);
          counts.reapplied++;
        }
      } catch (error) {
        // One payment that cannot be resolved now must not stop the others; it is tried again next run.
        if (payment.status === 'INITIATED') counts.unresolved++;
        if (!isRejection(error)) this.logger.error(`Payment ${payment.paymentId} could not be reconciled: ${(error as Error).message}`);
      }
    }
    if (counts.unresolved > 0) this.logger.warn(`${counts.unresolved} open payment(s) left unresolved: the processor could not prove their fate`);
    return { examined: payments.size, ...counts };
  }

  /**
   * Asks the processor what became of an open intent and records it. Only a proof of absence
   * (the lookup's `undefined`) abandons it; a lookup that cannot prove anything leaves it open.
   */
  private async resolveOpen(root: CommandContext, tracked: Tracked, payment: Payment): Promise<Fate> {
    let outcome: PaymentOutcome | undefined;
    try {
      outcome = await this.gateway.lookupPayment(await paymentLookup(this.reader, tracked.tenant, payment, tracked.initiatedAt));
    } catch (error) {
      if (!(error instanceof PaymentGatewayError)) throw error;
      this.logger.warn(`Payment ${payment.paymentId} stays open: the processor could not prove what became of it (${error.message})`);
      return 'unresolved';
    }
    await this.settlement.reserve(root, payment.paymentId, payment.allocations).catch((error: unknown) => {
      if (!isRejection(error)) throw error;
    });
    const settled = outcome ?? { status: 'failed' as const, failureCode: 'abandoned', message: 'The payment was interrupted before it reached the processor' };
    await this.settlement.settle(root, payment.paymentId, settled).catch((error: unknown) => {
      if (!isRejection(error)) throw error;
    });
    return outcome === undefined ? 'abandoned' : 'resolved';
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
  const initiatedAt = intentRecordedAt(event);
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
