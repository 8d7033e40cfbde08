/**
 * What the dashboard reads, always within the caller's tenant: documents from the read models
 * (through the collection the projector serves now, so a rebuild switches without a restart),
 * and the log itself for auditors. A document of another tenant reads as absent, exactly like a
 * missing one, so ids cannot be probed across tenants.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import { ApplicationError, ProjectorHost, auditorView, receivables } from '@ledger/application';
import type { AuditorEvent, Receivables as AgedReceivables } from '@ledger/application';
import type {
  BookingBalanceDocument,
  CollectionsDailyDocument,
  CustomerProfileDocument,
  PaymentHistoryDocument,
  PaymentLinkDocument,
} from '@ledger/projections';
import { ReadStore, encodeCursor } from '@ledger/read-store';
import type { FindQuery, WhereValue } from '@ledger/read-store';
import { DEFAULT_PAGE_SIZE, connectionOf } from './common/pagination.js';
import type { ConnectionShape, Edge } from './common/pagination.js';

type Tenanted = { tenant: string };

/** How long a mutation waits for the read models to include its write before answering RESULT_PENDING. */
const READ_YOUR_WRITES_MS = 5_000;

/** Where each read model lives: projection name and collection. */
const SOURCES = {
  bookings: ['booking-balance', 'bookings', 'bookingId'],
  payments: ['payment-history', 'payments', 'paymentId'],
  customers: ['customer-profile', 'customers', 'customerId'],
  links: ['payment-links', 'payment_links', 'linkId'],
  collections: ['collections-report', 'collections_daily', 'day'],
} as const;
type Source = keyof typeof SOURCES;

/** Indexes the dashboard's filters rely on, created once per collection generation. */
const INDEXES: Record<Source, string[][]> = {
  bookings: [
    ['tenant', 'serviceDate'],
    ['tenant', 'customerId', 'serviceDate'],
    ['tenant', 'paymentStatus', 'serviceDate'],
  ],
  payments: [
    ['tenant', 'createdAt'],
    ['tenant', 'customerId', 'createdAt'],
    ['tenant', 'method', 'createdAt'],
    ['tenant', 'status', 'createdAt'],
  ],
  customers: [['tenant', 'createdAt']],
  links: [['tenant', 'createdAt']],
  collections: [['tenant', 'day']],
};

export interface ListRequest {
  readonly where?: Record<string, WhereValue | undefined>;
  readonly range?: { field: string; gte?: string; lt?: string };
  readonly orderBy: { field: string; direction: 'asc' | 'desc' };
  readonly first?: number;
  readonly after?: string;
}

@Injectable()
export class DashboardReads {
  private readonly indexed = new Set<string>();
  /** The wait for the read models that mutations in flight share (see caughtUp). */
  private wait: { readonly upTo: Position; readonly done: Promise<boolean> } | undefined;

  constructor(
    @Inject(ReadStore) private readonly reads: ReadStore,
    @Inject(ProjectorHost) private readonly host: ProjectorHost,
    @Inject(EventStore) private readonly events: EventStore,
  ) {}

  private async collection(source: Source): Promise<string> {
    const [projection, collection] = SOURCES[source];
    const name = this.host.collectionFor(projection, collection);
    if (!this.indexed.has(name)) {
      for (const fields of INDEXES[source]) await this.reads.ensureIndex(name, fields);
      this.indexed.add(name);
    }
    return name;
  }

  async one<D extends Tenanted>(source: Source, tenant: string, id: string): Promise<D | undefined> {
    const doc = await this.reads.get<D>(await this.collection(source), id);
    return doc && doc.tenant === tenant ? doc : undefined;
  }

  async require<D extends Tenanted>(source: Source, tenant: string, id: string, what: string): Promise<D> {
    const doc = await this.one<D>(source, tenant, id);
    if (!doc)
      throw new DomainError('NOT_FOUND', `${what} ${id} does not exist`, {
        id,
      });
    return doc;
  }

  /** In the order asked for; ids of other tenants or unknown ids are left out. */
  async many<D extends Tenanted>(source: Source, tenant: string, ids: readonly string[]): Promise<D[]> {
    if (ids.length === 0) return [];
    const found = await this.reads.getMany<D>(await this.collection(source), ids);
    return ids.flatMap((id) => {
      const doc = found.get(id);
      return doc && doc.tenant === tenant ? [doc] : [];
    });
  }

  /** A page of documents as a Relay connection of the API type `map` makes of each. */
  async list<D extends Tenanted, T>(source: Source, tenant: string, request: ListRequest, map: (doc: D) => T): Promise<ConnectionShape<T>> {
    const where = Object.fromEntries(Object.entries({ ...request.where, tenant }).filter(([, value]) => value !== undefined)) as Record<string, WhereValue>;
    const query: FindQuery = {
      where,
      ...(request.range ? { range: request.range } : {}),
      orderBy: request.orderBy,
      first: request.first ?? DEFAULT_PAGE_SIZE,
      ...(request.after ? { after: request.after } : {}),
    };
    const page = await this.reads.find<D>(await this.collection(source), query);
    const keyField = SOURCES[source][2];
    const edges: Edge<T>[] = page.items.map((doc) => {
      const record = doc as unknown as Record<string, unknown>;
      return {
        node: map(doc),
        cursor: encodeCursor(query, record[request.orderBy.field], String(record[keyField])),
      };
    });
    return connectionOf(edges, page.hasNextPage, request.after);
  }

  booking(tenant: string, id: string) {
    return this.require<BookingBalanceDocument>('bookings', tenant, id, 'Booking');
  }

  payment(tenant: string, id: string) {
    return this.require<PaymentHistoryDocument>('payments', tenant, id, 'Payment');
  }

  customer(tenant: string, id: string) {
    return this.require<CustomerProfileDocument>('customers', tenant, id, 'Customer');
  }

  link(tenant: string, id: string) {
    return this.one<PaymentLinkDocument>('links', tenant, id);
  }

  /**
   * The customer holding a card. Cards are addressed by id alone in the API, and the profile
   * documents list them, so the tenant's customers are scanned; a dedicated card index is the
   * next step when tenants have tens of thousands of customers.
   */
  async cardOwner(tenant: string, cardId: string): Promise<string | undefined> {
    for (let after: string | undefined; ;) {
      const page = await this.list('customers', tenant, { orderBy: { field: 'createdAt', direction: 'asc' }, first: 1000, ...(after ? { after } : {}) }, asIs<CustomerProfileDocument>);
      const owner = page.edges.find((edge) => edge.node.cards.some((card) => card.cardId === cardId));
      if (owner) return owner.node.customerId;
      if (!page.pageInfo.hasNextPage) return undefined;
      after = page.pageInfo.endCursor ?? undefined;
    }
  }

  /** Every open booking of one customer (to sum the balance), in pages of the store's maximum. */
  async customerBookings(tenant: string, customerId: string): Promise<BookingBalanceDocument[]> {
    const all: BookingBalanceDocument[] = [];
    for (let after: string | undefined; ;) {
      const page = await this.list(
        'bookings',
        tenant,
        { where: { customerId }, orderBy: { field: 'serviceDate', direction: 'asc' }, first: 1000, ...(after ? { after } : {}) },
        asIs<BookingBalanceDocument>,
      );
      all.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return all;
      after = page.pageInfo.endCursor ?? undefined;
    }
  }

  /** Days of the collections report between two calendar dates (inclusive). */
  async collectionDays(tenant: string, from: string, to: string): Promise<CollectionsDailyDocument[]> {
    const name = await this.collection('collections');
    const rows: CollectionsDailyDocument[] = [];
    const upper = nextDay(to);
    for (let after: string | undefined; ;) {
      const page = await this.reads.find<CollectionsDailyDocument>(name, {
        where: { tenant },
        range: { field: 'day', gte: from, lt: upper },
        orderBy: { field: 'day', direction: 'asc' },
        first: 1000,
        ...(after ? { after } : {}),
      });
      rows.push(...page.items);
      if (!page.hasNextPage) return rows;
      after = page.endCursor;
    }
  }

  async receivables(tenant: string, asOf: string): Promise<AgedReceivables> {
    return receivables(this.reads, await this.collection('bookings'), tenant, asOf);
  }

  /**
   * A page of the log as recorded, for auditors: one stream's events, or the whole log's events
   * of this tenant. The log is shared by all tenants, so a page scans at most `scanLimit` events
   * and reports where it stopped; the next page continues from there. Events leave in the
   * auditor's view (auditor-view.ts): secret material such as key and link token hashes is
   * withheld, so the chain is verified on the stores (`ledger audit verify`), not on this page.
   */
  async auditTrail(
    tenant: string,
    options: { stream?: string; afterPosition?: string; first: number },
  ): Promise<{
    events: AuditorEvent[];
    endPosition: string | null;
    hasMore: boolean;
  }> {
    const page = await this.recordedTrail(tenant, options);
    return { ...page, events: page.events.map(auditorView) };
  }

  private async recordedTrail(
    tenant: string,
    options: { stream?: string; afterPosition?: string; first: number },
  ): Promise<{ events: RecordedEvent[]; endPosition: string | null; hasMore: boolean }> {
    if (options.stream !== undefined) return this.streamTrail(tenant, options.stream, options);
    const scanLimit = 5_000;
    const scanned = await this.events.readAll({
      raw: true,
      maxCount: scanLimit,
      ...(options.afterPosition ? { after: options.afterPosition as Position } : {}),
    });
    const events: RecordedEvent[] = [];
    let endPosition: string | null = options.afterPosition ?? null;
    for (const event of scanned) {
      if (events.length === options.first) return { events, endPosition, hasMore: true };
      endPosition = event.position;
      if (event.metadata.tenant === tenant) events.push(event);
    }
    return { events, endPosition, hasMore: scanned.length === scanLimit };
  }

  private async streamTrail(tenant: string, stream: string, options: { afterPosition?: string; first: number }) {
    const recorded = await this.events.readStream(stream, { raw: true });
    if (recorded.length > 0 && recorded[0]!.metadata.tenant !== tenant) return { events: [], endPosition: null, hasMore: false };
    const after = recorded.filter((event) => options.afterPosition === undefined || event.position > options.afterPosition);
    const events = after.slice(0, options.first);
    return {
      events,
      endPosition: events[events.length - 1]?.position ?? options.afterPosition ?? null,
      hasMore: after.length > events.length,
    };
  }

  /**
   * Read your own writes: waits until the read models include everything recorded so far, for a
   * mutation whose answer is complete without them (later reads then show the change). A slow
   * projector does not fail a change that succeeded.
   */
  async caughtUp(timeoutMs = READ_YOUR_WRITES_MS): Promise<void> {
    const head = await this.events.headPosition();
    if (head !== undefined) await this.sharedWait(head, timeoutMs);
  }

  /**
   * The same wait, for a mutation that answers from the read models: still behind after it, the
   * answer would deny (NOT_FOUND) or misstate what the request just recorded, and a client told
   * NOT_FOUND may do it again under a new key. It answers RESULT_PENDING instead, naming what was
   * recorded (`recorded`, e.g. `{ bookingId }`): repeated with the same idempotency key, or read
   * by that id, it answers with the result once the read models have it.
   */
  async readable(recorded: Readonly<Record<string, string>>, timeoutMs = READ_YOUR_WRITES_MS): Promise<void> {
    const head = await this.events.headPosition();
    if (head === undefined || (await this.sharedWait(head, timeoutMs))) return;
    throw new ApplicationError(
      'RESULT_PENDING',
      'The change was recorded, but the read models have not caught up yet; repeat the request (with the same idempotency key) or read it by its id shortly',
      { recorded: true, retryable: true, ...recorded },
    );
  }

  /**
   * Concurrent mutations share one wait: a request whose writes an earlier wait already covers
   * joins it, and a later one waits after it. Checking the projector once for all of them, rather
   * than once per request, keeps 32 concurrent charges from polling it 32 times over.
   */
  private sharedWait(head: Position, timeoutMs: number): Promise<boolean> {
    if (this.wait && this.wait.upTo >= head) return this.wait.done;
    const previous = this.wait?.done ?? Promise.resolve(true);
    const done = previous.then(() =>
      this.host.caughtUpTo(head, timeoutMs).then(
        () => true,
        () => false,
      ),
    );
    const wait = { upTo: head, done };
    this.wait = wait;
    void done.finally(() => {
      if (this.wait === wait) this.wait = undefined;
    });
    return done;
  }
}

function asIs<D>(doc: D): D {
  return doc;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
