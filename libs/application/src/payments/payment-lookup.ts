/**
 * The question a card payment's fate is read back with at the processor ("what became of the
 * payment asked for under this key?"), asked by the reconciler for an intent without an outcome and
 * by the holds for a hold whose deadline passed. One shape for both: on the account the payment
 * was made on, by its payment id, tenant and processor key, over everything created since its
 * intent was recorded, narrowed to the saved card's processor customer when there is one. The
 * processor answers it with strongly consistent reads only (see PaymentGateway.lookupPayment).
 */
import type { Payment } from '@ledger/domain';
import type { RecordedEvent } from '@ledger/event-store';
import { GatewayUnavailableError } from '@ledger/payments';
import type { HoldCanceled, HoldCaptured, LookupPaymentInput, PaymentOutcome } from '@ledger/payments';
import { isRejection } from '../application-error.js';
import { processorKey } from './card-payments.js';
import { LedgerReader, paymentAccountOf } from './ledger-reader.js';

/**
 * When a payment's intent was recorded, from its first event: the command's own time
 * (`occurredAt`), not the store's, so windows and grace periods follow the ledger's clock.
 */
export function intentRecordedAt(first: RecordedEvent): string {
  return typeof first.metadata.occurredAt === 'string' ? first.metadata.occurredAt : first.recordedAt.toISOString();
}

/** The lookup for `payment` of `tenantId`, whose intent was recorded at `createdSince`. */
export async function paymentLookup(reader: LedgerReader, tenantId: string, payment: Payment, createdSince: string): Promise<LookupPaymentInput> {
  const tenant = await reader.tenant(tenantId);
  const processorCustomerId = await savedCardCustomer(reader, tenantId, payment);
  return {
    account: paymentAccountOf(payment, tenant),
    paymentId: payment.paymentId,
    tenant: tenantId,
    createdSince,
    idempotencyKey: processorKey(payment.paymentId),
    ...(processorCustomerId ? { processorCustomerId } : {}),
  };
}

/**
 * A card on file is charged as its processor customer, which narrows the processor's read. Only
 * a narrowing: without it the read covers every intent of the account, still a proof.
 */
async function savedCardCustomer(reader: LedgerReader, tenantId: string, payment: Payment): Promise<string | undefined> {
  if (payment.cardId === null) return undefined;
  const customer = await reader.customer(tenantId, payment.customerId).catch((error: unknown) => {
    if (!isRejection(error)) throw error;
    return undefined;
  });
  return customer?.cards[payment.cardId]?.processorCustomerId;
}

/**
 * A hold's fate in a lookup's answer: its money taken, let go (a canceled intent, which the port
 * reports as failed, as the sandbox reports a hold released or lapsed), or still live. "Never
 * received" cannot be true of a hold the processor placed, so it proves nothing here: it is
 * thrown as unproven, and the hold is left as it is rather than expired blind.
 */
export function holdFateOf(hold: Payment, outcome: PaymentOutcome | undefined): HoldCaptured | HoldCanceled | 'live' {
  const processorPaymentId = outcome?.processorPaymentId ?? hold.processorPaymentId ?? '';
  switch (outcome?.status) {
    case undefined:
      throw new GatewayUnavailableError(`The processor's read shows no payment for hold ${hold.paymentId} (${processorPaymentId}); its fate is not proven`);
    case 'requires_capture':
      return 'live';
    case 'succeeded':
      return { status: 'succeeded', processorPaymentId, amountCaptured: outcome.amountCaptured };
    case 'failed':
      return { status: 'canceled', processorPaymentId };
  }
}
