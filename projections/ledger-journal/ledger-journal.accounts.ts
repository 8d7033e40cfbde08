/** Maps payment methods to the accounts their money sits in (the chart is in the document file). */
import type { PaymentMethod } from '@ledger/domain';
import type { ProjectedEvent } from '../projection.js';
import type { Account } from './ledger-journal.document.js';
import { malformed, textField } from './ledger-journal.fields.js';

/** Where each method's money sits. A record over every method, so a new one must be mapped. */
export const accountOf: Record<PaymentMethod, Account> = {
  CARD_ON_FILE: 'processor_clearing',
  NEW_CARD: 'processor_clearing',
  ONE_TIME_CARD: 'processor_clearing',
  PAYMENT_LINK: 'processor_clearing',
  CASH: 'cash_on_hand',
  CHECK: 'checks_on_hand',
  E_TRANSFER: 'e_transfers_received',
  OTHER: 'other_receipts',
};

export function methodField(event: ProjectedEvent): PaymentMethod {
  const method = textField(event, 'method');
  if (!Object.hasOwn(accountOf, method)) throw malformed(event, `method ${method} is not a payment method`);
  return method as PaymentMethod;
}
