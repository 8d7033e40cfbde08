/**
 * Payment automation: when a booking is completed and the business charges after service, the
 * customer's card on file is charged whatever the booking still owes. The payment's command id
 * is derived from the BookingCompleted event's id, so the same event delivered twice names the
 * same payment: a finished one is left alone, an interrupted one is resumed, none is doubled.
 * A decline is recorded by the payment process like any other; automation does not retry it.
 */
import { Injectable } from '@nestjs/common';
import { activeCards, paymentDecider, streamName } from '@ledger/domain';
import type { Allocation, BookingCompleted, CommandContext } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { RecordedEvent } from '@ledger/event-store';
import { ApplicationError } from '../application-error.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { deriveId } from '../ids.js';
import { CardPayments, paymentIdFor } from '../payments/card-payments.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { causeOf, systemActor, tenantAsOf, tenantOf } from './manager-support.js';
import type { ProcessManager } from './process-manager-runner.js';

@Injectable()
export class PaymentAutomation implements ProcessManager {
  readonly name = 'payment-automation';
  readonly eventTypes = ['BookingCompleted'] as const;

  constructor(
    private readonly store: EventStore,
    private readonly runner: DecisionRunner,
    private readonly reader: LedgerReader,
    private readonly contexts: CommandContexts,
    private readonly payments: CardPayments,
  ) {}

  async handle(event: RecordedEvent): Promise<string> {
    const tenantId = tenantOf(event);
    const { bookingId } = event.data as BookingCompleted['data'];
    const context = this.contexts.create(deriveId(event.id, this.name), tenantId, systemActor(this.name), causeOf(event));
    const { state: earlier } = await this.runner.load(streamName.payment(paymentIdFor(context.commandId)), paymentDecider, tenantId);
    if (earlier.status === 'INITIATED' && earlier.cardId !== null) {
      // Handled before and interrupted mid-charge: resume with exactly what was recorded.
      return this.charge(context, earlier.customerId, earlier.allocations, earlier.cardId);
    }
    if (earlier.status !== 'NONE') return `already handled: payment ${earlier.paymentId} is ${earlier.status}`;
    const tenant = await tenantAsOf(this.store, tenantId, event);
    if (tenant.settings.chargeTiming !== 'AFTER_SERVICE') return `not automated: charge timing is ${tenant.settings.chargeTiming}`;
    const booking = await this.reader.booking(tenantId, bookingId);
    if (booking.status === 'CANCELLED' || booking.remaining.amountMinor <= 0) return 'nothing owed';
    const customer = await this.reader.customer(tenantId, booking.customerId);
    const card = activeCards(customer).at(-1);
    if (!card) return 'no card on file';
    return this.charge(context, customer.customerId, [{ bookingId, amount: booking.remaining }], card.cardId);
  }

  private async charge(context: CommandContext, customerId: string, allocations: readonly Allocation[], cardId: string): Promise<string> {
    try {
      const result = await this.payments.start({
        context,
        customerId,
        allocations,
        capture: 'AUTOMATIC',
        card: { method: 'CARD_ON_FILE', cardId },
      });
      return `charged: payment ${result.paymentId} is ${result.status}`;
    } catch (error) {
      // The payment stream records the decline; the business sees it and decides what to do next.
      if (error instanceof ApplicationError && (error.code === 'CARD_DECLINED' || error.code === 'PROCESSOR_REJECTED')) {
        const { failureCode } = error.details;
        return `declined: ${typeof failureCode === 'string' ? failureCode : error.code}`;
      }
      throw error;
    }
  }
}
