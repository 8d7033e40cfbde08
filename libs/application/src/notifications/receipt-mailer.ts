/**
 * Sends the customer a receipt when a card payment succeeds (`Charged`: a charge, or the capture
 * of a hold). The e-mail id is derived from the payment id, so a payment gets one receipt
 * however often its Charged event is handled.
 */
import { Injectable } from '@nestjs/common';
import { allocateInOrder } from '@ledger/domain';
import type { Charged } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { renderReceiptEmail } from '@ledger/mail';
import { CommandContexts } from '../command-contexts.js';
import { deriveId } from '../ids.js';
import { LedgerReader } from '../payments/ledger-reader.js';
import { tenantOf } from '../process-managers/manager-support.js';
import type { ProcessManager } from '../process-managers/process-manager-runner.js';
import { mailForEvent, occurredAtOf } from './event-mailing.js';
import { linesOfAllocations, presentationOf } from './email-content.js';
import { EmailDeliveries } from './email-deliveries.js';
import type { Composition } from './email-deliveries.js';

export function receiptEmailId(paymentId: string): string {
  return deriveId(paymentId, 'receipt-email');
}

@Injectable()
export class ReceiptMailer implements ProcessManager {
  readonly name = 'receipt-mailer';
  readonly eventTypes = ['Charged'] as const;

  constructor(
    private readonly reader: LedgerReader,
    readonly deliveries: EmailDeliveries,
    readonly contexts: CommandContexts,
  ) {}

  async handle(event: RecordedEvent): Promise<string> {
    const charged = event.data as Charged['data'];
    const email = { emailId: receiptEmailId(charged.paymentId), kind: 'RECEIPT' as const, about: `receipt for payment ${charged.paymentId}` };
    return mailForEvent(this, this.name, event, email, () => this.compose(tenantOf(event), charged, event));
  }

  private async compose(tenantId: string, charged: Charged['data'], event: RecordedEvent): Promise<Composition> {
    const tenant = await this.reader.tenant(tenantId);
    const payment = await this.reader.payment(tenantId, charged.paymentId);
    const customer = await this.reader.customer(tenantId, payment.customerId);
    // A partial capture takes less than was asked for; the receipt shows what was taken.
    const shares = allocateInOrder(charged.amount, payment.allocations);
    const email = renderReceiptEmail({
      ...presentationOf(tenant),
      businessName: tenant.name,
      customerName: customer.name,
      amount: charged.amount,
      bookings: await linesOfAllocations(this.reader, tenantId, shares),
      paidAt: occurredAtOf(event),
      ...cardOf(charged, payment.cardId === null ? undefined : customer.cards[payment.cardId]),
      paymentId: charged.paymentId,
    });
    return { send: { to: customer.email, ...email } };
  }
}

/** The card as the processor reported it, else as it is on file. */
function cardOf(charged: Charged['data'], onFile: { brand: string; last4: string } | undefined): { card?: { brand: string; last4: string } } {
  const card = charged.card ?? onFile;
  return card ? { card: { brand: card.brand, last4: card.last4 } } : {};
}
