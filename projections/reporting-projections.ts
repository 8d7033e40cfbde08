// Reporting read models: collections per local day and method, and the double-entry journal.
export { collectionsReportProjection } from './collections-report/collections-report.projection.js';
export type * from './collections-report/collections-report.document.js';
export { ledgerJournalProjection } from './ledger-journal/ledger-journal.projection.js';
export type * from './ledger-journal/ledger-journal.document.js';
