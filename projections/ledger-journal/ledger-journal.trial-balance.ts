/**
 * The trial balance: per tenant, every account's debits and credits and their grand totals,
 * accumulated over the tenant's whole history. No bound exists on that history, so the totals
 * are exact decimal strings added as bigints (see exact-totals.ts): a tenant that records
 * thousands of maximal amounts gets exact totals, never rounded ones, and never stops the
 * projection for the other tenants.
 */
import type { ProjectedEvent } from '../projection.js';
import { addMinor, ZERO_MINOR } from '../exact-totals.js';
import type { JournalEntryDocument, TrialBalanceDocument } from './ledger-journal.document.js';
import { malformed } from './ledger-journal.fields.js';

function emptyBalance(entry: JournalEntryDocument, event: ProjectedEvent): Omit<TrialBalanceDocument, 'position'> {
  return { tenant: event.tenant, currency: entry.currency, accounts: {}, totalDebitMinor: ZERO_MINOR, totalCreditMinor: ZERO_MINOR };
}

/** The balance after the entry's postings. */
export function postToBalance(existing: TrialBalanceDocument | null, entry: JournalEntryDocument, event: ProjectedEvent): TrialBalanceDocument {
  const balance = existing ?? emptyBalance(entry, event);
  // One tenant bills in one currency; mixing two would make every total meaningless.
  if (balance.currency !== entry.currency) {
    throw malformed(event, `amount is in ${entry.currency}, the tenant's ledger is in ${balance.currency}`);
  }
  const accounts = { ...balance.accounts };
  let { totalDebitMinor, totalCreditMinor } = balance;
  for (const posting of entry.postings) {
    const account = accounts[posting.account] ?? { debitMinor: ZERO_MINOR, creditMinor: ZERO_MINOR };
    accounts[posting.account] = {
      debitMinor: addMinor(account.debitMinor, posting.debitMinor, event, `${posting.account}.debitMinor`),
      creditMinor: addMinor(account.creditMinor, posting.creditMinor, event, `${posting.account}.creditMinor`),
    };
    totalDebitMinor = addMinor(totalDebitMinor, posting.debitMinor, event, 'totalDebitMinor');
    totalCreditMinor = addMinor(totalCreditMinor, posting.creditMinor, event, 'totalCreditMinor');
  }
  return { ...balance, accounts, totalDebitMinor, totalCreditMinor, position: event.position };
}
