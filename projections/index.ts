// Read models: one folder per question the dashboard, auditors or reporting jobs ask.
import { dashboardProjections } from './dashboard-projections.js';
import type { Projection } from './projection.js';
import { collectionsReportProjection, ledgerJournalProjection } from './reporting-projections.js';

export * from './projection.js';
export * from './dashboard-projections.js';
export * from './reporting-projections.js';

/** Every projection the projector keeps up to date. */
export const allProjections: readonly Projection[] = [...dashboardProjections, collectionsReportProjection, ledgerJournalProjection];
