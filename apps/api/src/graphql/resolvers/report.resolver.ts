/** Reports for owners and reporting jobs, and the event log for auditors. */
import { UseGuards } from '@nestjs/common';
import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { LedgerReader } from '@ledger/application';
import type { Principal } from '@ledger/application';
import { DomainError, requireCalendarDay } from '@ledger/domain';
import type { CollectionsDailyDocument, CustomerProfileDocument } from '@ledger/projections';
import { CurrentPrincipal, REPORT_READERS, Roles, RolesGuard } from '../common/auth.js';
import { moneyFromExact } from '../common/scalars.js';
import { DashboardReads } from '../dashboard-reads.js';
import { PaymentMethod, ReportGrouping } from '../types/enums.js';
import { AuditTrail, CollectionsReport, CollectionsRow, Receivables } from '../types/ledger.types.js';

const MAX_REPORT_DAYS = 366 * 5;

/** `Date.parse` would roll 2026-02-30 over into March; the domain checks the calendar. */
const requireDay = requireCalendarDay;

/** A row while it is summed: exact totals, made Money once every day is added. */
type RowSums = { day: string | null; method: PaymentMethod | null; count: number; collected: bigint; refunded: bigint };

/**
 * Sums day rows into the rows of the grouping asked for; no grouping gives one row. The sums
 * are exact (the day documents hold decimal strings); a total beyond 2^53-1, more than 9,007
 * maximal amounts, is refused with AMOUNT_OUT_OF_RANGE naming it rather than answered rounded.
 */
export function groupCollections(days: readonly CollectionsDailyDocument[], groupBy: readonly ReportGrouping[], currency: string): CollectionsRow[] {
  const byDay = groupBy.includes(ReportGrouping.DAY);
  const byMethod = groupBy.includes(ReportGrouping.METHOD);
  const rows = new Map<string, RowSums>();
  for (const day of days) {
    const key = `${byDay ? day.day : ''}|${byMethod ? day.method : ''}`;
    const row = rows.get(key) ?? { day: byDay ? day.day : null, method: byMethod ? (day.method as PaymentMethod) : null, count: 0, collected: 0n, refunded: 0n };
    rows.set(key, addTo(row, day));
  }
  return [...rows.values()].map((row) => rowOf(row, currency)).sort((a, b) => `${a.day ?? ''}${a.method ?? ''}`.localeCompare(`${b.day ?? ''}${b.method ?? ''}`));
}

function emptyRow(day: string | null, method: PaymentMethod | null, currency: string): CollectionsRow {
  const zero = { amountMinor: 0, currency };
  return { day, method, count: 0, collected: zero, refunded: zero, net: zero };
}

function addTo(row: RowSums, day: CollectionsDailyDocument): RowSums {
  return { ...row, count: row.count + day.count, collected: row.collected + BigInt(day.collected), refunded: row.refunded + BigInt(day.refunded) };
}

function rowOf(row: RowSums, currency: string): CollectionsRow {
  return {
    day: row.day,
    method: row.method,
    count: row.count,
    collected: moneyFromExact(row.collected, currency, 'collected'),
    refunded: moneyFromExact(row.refunded, currency, 'refunded'),
    net: moneyFromExact(row.collected - row.refunded, currency, 'net'),
  };
}

@Resolver()
@UseGuards(RolesGuard)
export class ReportResolver {
  constructor(
    private readonly reads: DashboardReads,
    private readonly ledger: LedgerReader,
  ) {}

  @Query(() => CollectionsReport, {
    description: "Money collected and refunded per day (in the business's time zone) and method, with totals.",
  })
  @Roles(...REPORT_READERS)
  async collectionsReport(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { description: 'First day, YYYY-MM-DD.' }) from: string,
    @Args('to', { description: 'Last day (inclusive), YYYY-MM-DD.' })
    to: string,
    @Args('groupBy', {
      type: () => [ReportGrouping],
      defaultValue: [ReportGrouping.DAY, ReportGrouping.METHOD],
    })
    groupBy: ReportGrouping[],
  ): Promise<CollectionsReport> {
    requireDay(from, 'from');
    requireDay(to, 'to');
    if (to < from)
      throw new DomainError('VALIDATION_FAILED', 'to must not be before from', {
        from,
        to,
      });
    if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_REPORT_DAYS)
      throw new DomainError('VALIDATION_FAILED', 'a report covers at most five years', { from, to });
    const [days, tenant] = await Promise.all([this.reads.collectionDays(principal.tenant, from, to), this.ledger.tenant(principal.tenant)]);
    const rows = groupCollections(days, groupBy, tenant.currency);
    const totals = groupCollections(days, [], tenant.currency)[0] ?? emptyRow(null, null, tenant.currency);
    return { from, to, rows, totals };
  }

  @Query(() => Receivables, {
    description: 'Outstanding balances by customer, aged by days past the service date.',
  })
  @Roles(...REPORT_READERS)
  async receivables(
    @CurrentPrincipal() principal: Principal,
    @Args('asOf', {
      nullable: true,
      description: 'YYYY-MM-DD; default today (UTC).',
    })
    asOf?: string,
  ): Promise<Receivables> {
    const day = asOf === undefined ? new Date().toISOString().slice(0, 10) : requireDay(asOf, 'asOf');
    const [aged, tenant] = await Promise.all([this.reads.receivables(principal.tenant, day), this.ledger.tenant(principal.tenant)]);
    const customers = await this.reads.many<CustomerProfileDocument>(
      'customers',
      principal.tenant,
      aged.rows.map((row) => row.customerId),
    );
    const names = new Map(customers.map((customer) => [customer.customerId, customer.name]));
    return {
      asOf: aged.asOf,
      currency: tenant.currency,
      rows: aged.rows.map((row) => ({
        customerId: row.customerId,
        customerName: names.get(row.customerId) ?? null,
        currency: row.currency,
        outstanding: {
          amountMinor: row.outstandingMinor,
          currency: row.currency,
        },
        buckets: { ...row.buckets, outstandingMinor: row.outstandingMinor },
      })),
      totals: aged.totals,
    };
  }

  // The events come in the auditor's view (auditor-view.ts in the application layer): secret
  // material is withheld, so their hash chain is checked on the stores by `ledger audit verify`.
  @Query(() => AuditTrail, {
    description:
      "The event log as recorded, this business's events only: one stream, or the whole log in order. Secret material (hashes of API keys and of payment-link and add-card tokens) is left out of the data; the hash chain is verified on the stores with `ledger audit verify`.",
  })
  @Roles('ADMIN', 'AUDITOR')
  async auditTrail(
    @CurrentPrincipal() principal: Principal,
    @Args('stream', { type: () => String, nullable: true }) stream?: string | null,
    @Args('afterPosition', { type: () => String, nullable: true }) afterPosition?: string | null,
    @Args('first', { type: () => Int, defaultValue: 100 }) first = 100,
  ): Promise<AuditTrail> {
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw new DomainError('VALIDATION_FAILED', 'first must be between 1 and 1000', { first });
    // GraphQL passes an explicit null for an optional argument; it means the same as leaving it out.
    if (afterPosition != null && (afterPosition.length === 0 || afterPosition.length > 100))
      throw new DomainError('VALIDATION_FAILED', 'afterPosition must be a position from an earlier page', { afterPosition });
    const page = await this.reads.auditTrail(principal.tenant, {
      ...(stream != null ? { stream } : {}),
      ...(afterPosition != null ? { afterPosition } : {}),
      first,
    });
    return {
      events: page.events.map((event) => ({
        position: event.position,
        stream: event.streamName,
        revision: event.revision,
        eventId: event.id,
        type: event.type,
        recordedAt: event.recordedAt.toISOString(),
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
        redacted: [...event.redacted],
      })),
      endPosition: page.endPosition,
      hasMore: page.hasMore,
    };
  }
}
