/**
 * Keeps holds from lapsing unnoticed. A scheduler calls `runOnce()` every minute; each run reads
 * what the log gained since the last run (the whole log after a start-up) into a `HoldIndex` and
 * looks at every hold near or past its `captureBefore`:
 *
 * - when the business auto-captures (`autoCaptureBeforeExpiry`), a hold within the margin is
 *   captured in full before it lapses;
 * - a hold past its deadline is first read back at the processor (`Holds.lapse`), because a
 *   capture whose answer was lost may have taken the money: captured there, it is recorded as that
 *   capture and nothing more is charged; let go there (or one the processor says has lapsed when
 *   captured), it is recorded as expired and its bookings' shares are released, and then, when the
 *   business auto-captures, what those bookings still owe is charged to the card on file instead;
 *   still live there (the ledger's deadline was an estimate), it is treated as live: captured
 *   when the business auto-captures, else left for a later run;
 * - when the processor cannot say, nothing is recorded and the next run asks again: a hold is
 *   never booked as expired, nor replaced by a fallback charge, blind;
 * - without auto-capture nothing is taken: the hold is recorded as expired once the processor has
 *   let it go.
 *
 * Every command id and processor key is derived from the hold's payment id ('auto-capture',
 * 'expire', 'fallback'), so a run repeated after a crash, or by a second instance, repeats the
 * same steps and never takes money twice. A crash between a hold's outcome and its bookings is
 * converged by the PaymentReconciler, which re-applies recorded outcomes to bookings.
 */
import { Injectable, Logger } from '@nestjs/common';
import { activeCards, isDomainError, paymentDecider, streamName } from '@ledger/domain';
import type { Allocation, CommandContext, Customer, Payment, PaymentState, PaymentStatus } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { Position } from '@ledger/event-store';
import { ApplicationError, isRejection } from '../application-error.js';
import { Clock } from '../clock.port.js';
import { CommandContexts } from '../command-contexts.js';
import { Holds } from '../commands/holds.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { CardPayments, paymentIdFor } from '../payments/card-payments.js';
import type { CardPaymentRequest } from '../payments/card-payments.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { HOLD_EVENT_TYPES, HoldIndex, fallbackCommandId } from './hold-index.js';
import type { TrackedHold } from './hold-index.js';

export interface HoldExpiryOptions {
  /** How long before `captureBefore` an auto-capturing business's hold is captured. */
  readonly marginMs: number;
  /** How long after `captureBefore` an expired hold may still fall back to the card on file. */
  readonly fallbackWindowMs: number;
}

export const DEFAULT_HOLD_EXPIRY_OPTIONS: HoldExpiryOptions = { marginMs: 12 * 60 * 60_000, fallbackWindowMs: 24 * 60 * 60_000 };

export interface FallbackCharge {
  readonly paymentId: string;
  readonly fallbackPaymentId: string;
  readonly status: PaymentStatus;
  readonly failureCode?: string;
}

export interface HoldExpirySummary {
  /** Holds that were due for attention in this run. */
  readonly examined: number;
  readonly captured: string[];
  readonly expired: string[];
  readonly fallbackCharges: FallbackCharge[];
  /** Holds that could not be handled now; the next run tries them again. */
  readonly failures: { readonly paymentId: string; readonly error: string }[];
}

const MONITOR = { kind: 'SYSTEM', id: 'hold-expiry-monitor' } as const;

@Injectable()
export class HoldExpiryMonitor {
  private readonly logger = new Logger(HoldExpiryMonitor.name);
  private readonly index = new HoldIndex();
  /** Expired holds whose follow-up this process has finished; the index forgets them later. */
  private readonly followedUp = new Set<string>();
  private after: Position | undefined;
  private running: Promise<HoldExpirySummary> | undefined;
  private options = DEFAULT_HOLD_EXPIRY_OPTIONS;

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly contexts: CommandContexts,
    private readonly reader: LedgerReader,
    private readonly runner: DecisionRunner,
    private readonly holds: Holds,
    private readonly payments: CardPayments,
  ) {}

  configure(options: Partial<HoldExpiryOptions>): this {
    this.options = { ...this.options, ...options };
    return this;
  }

  /**
   * One pass; a call while a pass is under way shares that pass rather than racing it. With
   * `leading` (the job's lease, when several instances run it), the pass stops before the next
   * hold once this instance no longer holds the lease: the new holder attends to the rest.
   */
  runOnce(leading?: () => Promise<boolean>): Promise<HoldExpirySummary> {
    this.running ??= this.run(leading).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(leading: (() => Promise<boolean>) | undefined): Promise<HoldExpirySummary> {
    await this.catchUp();
    const now = this.clock.now();
    const due = this.index.due(now, this.options.marginMs, this.options.fallbackWindowMs);
    const summary: HoldExpirySummary = { examined: due.length, captured: [], expired: [], fallbackCharges: [], failures: [] };
    for (const hold of due) {
      if (leading && !(await leading())) break;
      try {
        if (hold.status === 'OPEN') await this.attend(hold, now, summary);
        else await this.followUp(hold, summary);
      } catch (error) {
        // One hold that cannot be handled now must not hold up the others; the next run retries it.
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(`Hold ${hold.paymentId} could not be handled: ${message}`);
        summary.failures.push({ paymentId: hold.paymentId, error: message });
      }
    }
    return summary;
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.store.readAll({ filter: { eventTypes: HOLD_EVENT_TYPES }, maxCount: 1000, ...(this.after ? { after: this.after } : {}) });
      if (page.length === 0) return;
      for (const event of page) this.index.apply({ type: event.type, data: event.data, tenant: String(event.metadata.tenant) });
      this.after = page[page.length - 1]!.position;
    }
  }

  /** A live hold near or past its deadline: capture it, or record what the processor says became of it. */
  private async attend(hold: TrackedHold, now: Date, summary: HoldExpirySummary): Promise<void> {
    const payment = await this.reader.payment(hold.tenant, hold.paymentId);
    // The log moved on since it was read (a capture or release just now): the next run sees it.
    if (payment.status !== 'AUTHORIZED') return;
    const { settings } = await this.reader.tenant(hold.tenant);
    const lapsed = now.getTime() >= Date.parse(hold.captureBefore);
    // Past its deadline the processor is asked first and what it says is recorded; a hold it
    // still holds live stays AUTHORIZED, like one not yet due.
    const { status } = lapsed ? await this.holds.lapse(this.context(hold, 'expire'), hold.paymentId) : payment;
    if (status === 'CAPTURED') return void summary.captured.push(hold.paymentId);
    if (status === 'AUTHORIZED') {
      if (!settings.autoCaptureBeforeExpiry) return;
      if (await this.captured(hold)) return void summary.captured.push(hold.paymentId);
    } else if (status !== 'EXPIRED') return;
    summary.expired.push(hold.paymentId);
    await this.followUp({ ...hold, status: 'EXPIRED' }, summary);
  }

  /** True when captured; false when the processor answered that the hold had already lapsed. */
  private async captured(hold: TrackedHold): Promise<boolean> {
    try {
      await this.holds.capture(this.context(hold, 'auto-capture'), hold.paymentId);
      return true;
    } catch (error) {
      // A refused capture of a lapsed hold was recorded as expired; anything else is retried next run.
      const expired = error instanceof ApplicationError && error.details.status === 'EXPIRED';
      if (!expired) throw error;
      return false;
    }
  }

  /** An expired hold: its shares are freed and, where the business wants it, the card on file is charged. */
  private async followUp(hold: TrackedHold, summary: HoldExpirySummary): Promise<void> {
    if (this.followedUp.has(hold.paymentId)) return;
    const payment = await this.reader.payment(hold.tenant, hold.paymentId);
    if (payment.status === 'EXPIRED') {
      await this.holds.settle(this.context(hold, 'expire'), payment);
      const { settings } = await this.reader.tenant(hold.tenant);
      const charge = settings.autoCaptureBeforeExpiry ? await this.fallbackRequest(hold, payment) : undefined;
      if (charge !== undefined) summary.fallbackCharges.push(await this.chargeInstead(hold, charge));
    }
    this.followedUp.add(hold.paymentId);
  }

  private async chargeInstead(hold: TrackedHold, request: CardPaymentRequest): Promise<FallbackCharge> {
    const fallbackPaymentId = paymentIdFor(request.context.commandId);
    try {
      const result = await this.payments.start(request);
      return { paymentId: hold.paymentId, fallbackPaymentId, status: result.status };
    } catch (error) {
      // A decline or a refusal is this fallback's outcome; an outage is retried by the next run.
      if (!isRejection(error)) throw error;
      return { paymentId: hold.paymentId, fallbackPaymentId, status: 'FAILED', failureCode: error.code };
    }
  }

  /**
   * What the fallback charges: what the hold's bookings still owe, to the hold's own card if it
   * is still on file, otherwise the customer's latest card. A fallback already started is
   * resumed exactly as it was recorded. Nothing owed, or no card, means no fallback.
   */
  private async fallbackRequest(hold: TrackedHold, payment: Payment): Promise<CardPaymentRequest | undefined> {
    const context = this.contexts.create(fallbackCommandId(hold.paymentId), hold.tenant, MONITOR);
    const started = (await this.runner.load(streamName.payment(paymentIdFor(context.commandId)), paymentDecider, hold.tenant)).state;
    const customer = await this.reader.customer(hold.tenant, payment.customerId);
    const cardId = fallbackCard(customer, payment, started);
    const allocations = started.status === 'NONE' ? await this.owed(hold.tenant, payment) : started.allocations;
    if (cardId === undefined || allocations.length === 0) return undefined;
    return { context, customerId: payment.customerId, allocations, capture: 'AUTOMATIC', card: { method: 'CARD_ON_FILE', cardId } };
  }

  private async owed(tenant: string, payment: Payment): Promise<Allocation[]> {
    const owed: Allocation[] = [];
    for (const { bookingId } of payment.allocations) {
      const booking = await this.reader.booking(tenant, bookingId).catch((error: unknown) => {
        if (isDomainError(error)) return undefined;
        throw error;
      });
      if (booking && booking.status !== 'CANCELLED' && booking.remaining.amountMinor > 0) owed.push({ bookingId, amount: booking.remaining });
    }
    return owed;
  }

  /** The root context of one of the monitor's steps on a hold, named after the hold and the step. */
  private context(hold: TrackedHold, step: 'auto-capture' | 'expire'): CommandContext {
    return this.contexts.create(deriveId(hold.paymentId, step), hold.tenant, MONITOR);
  }
}

function fallbackCard(customer: Customer, hold: Payment, started: PaymentState): string | undefined {
  if (started.status !== 'NONE' && started.cardId !== null) return started.cardId;
  const cards = activeCards(customer);
  if (hold.cardId !== null && cards.some((card) => card.cardId === hold.cardId)) return hold.cardId;
  return cards[cards.length - 1]?.cardId;
}

export const holdExpiryServices = [HoldExpiryMonitor];
