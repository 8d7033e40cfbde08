/**
 * A realistic event log for the projection benchmark: tenants with their payment settings,
 * customers with a saved card, and bookings paid by card (some refunded), in cash, on hold or
 * declined. Every event's data has exactly the shape of its type in libs/domain/src/*.events.ts,
 * and every flow appends its streams in causal order, so the projections accept the whole log.
 */
import { randomUUID } from 'node:crypto';
import type {
  AuthorizationApplied,
  BookingCreated,
  CardSaved,
  CashCollected,
  Charged,
  ChargeFailed,
  CustomerRegistered,
  Money,
  PaymentApplied,
  PaymentAuthorized,
  PaymentInitiated,
  PaymentReservationReleased,
  PaymentReserved,
  PaymentSettingsUpdated,
  RefundApplied,
  Refunded,
  RefundRequested,
  TenantCreated,
} from '@ledger/domain';
import type { EventStore, ExpectedRevision, NewEvent, Position } from '@ledger/event-store';

type DomainEvent = { type: string; data: unknown };

const zones: readonly [string, string][] = [
  ['America/Toronto', 'CAD'],
  ['America/Vancouver', 'CAD'],
  ['America/Halifax', 'CAD'],
  ['America/St_Johns', 'CAD'],
  ['America/Edmonton', 'CAD'],
  ['America/New_York', 'USD'],
  ['America/Chicago', 'USD'],
  ['America/Los_Angeles', 'USD'],
  ['Europe/London', 'GBP'],
  ['Australia/Sydney', 'AUD'],
  ['Pacific/Auckland', 'NZD'],
];
const brands = ['visa', 'mastercard', 'amex'] as const;
const descriptions = ['Deep clean, 3 bedrooms', 'Window washing', 'Move-out clean', 'Carpet shampoo', 'Lawn care, monthly', 'Gutter cleaning'];
const START = Date.parse('2026-01-05T13:00:00.000Z');

export interface Tenant {
  readonly slug: string;
  readonly tenantId: string;
  readonly currency: string;
}
export interface Customer {
  readonly tenant: Tenant;
  readonly customerId: string;
  readonly cardId: string;
}

/** A deterministic pseudo-random source, so every run generates the same mix. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One append: a stream, its expected revision, and events of one command. */
interface Step {
  readonly stream: string;
  readonly events: readonly DomainEvent[];
}

function newEvent(tenant: string, occurredAt: string, commandId: string, event: DomainEvent): NewEvent {
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { commandId, correlationId: commandId, causationId: commandId, actor: 'API_KEY:key_bench', tenant, occurredAt },
  };
}

/**
 * Appends the steps of one flow in order, tracking each stream's revision (every stream a flow
 * touches is new to it, except the customer's, which flows never touch).
 */
async function appendFlow(store: EventStore, tenant: string, at: number, steps: readonly Step[]): Promise<Position> {
  const revisions = new Map<string, ExpectedRevision>();
  let last: Position | undefined;
  let clock = at;
  for (const step of steps) {
    const commandId = randomUUID();
    const occurredAt = new Date(clock).toISOString();
    clock += 7_000;
    const expectedRevision = revisions.get(step.stream) ?? 'no_stream';
    const result = await store.appendToStream(
      step.stream,
      step.events.map((e) => newEvent(tenant, occurredAt, commandId, e)),
      { expectedRevision },
    );
    revisions.set(step.stream, result.nextExpectedRevision);
    last = result.position;
  }
  return last!;
}

function tenantSteps(tenant: Tenant, index: number): Step[] {
  const [timeZone] = zones[index % zones.length]!;
  const created: TenantCreated = {
    type: 'TenantCreated',
    data: { tenantId: tenant.tenantId, slug: tenant.slug, name: `Sparkle Services ${index}`, currency: tenant.currency, timeZone },
  };
  const settings: PaymentSettingsUpdated = {
    type: 'PaymentSettingsUpdated',
    data: {
      tenantId: tenant.tenantId,
      chargeTiming: index % 3 === 0 ? 'PRE_AUTHORIZE' : 'AT_BOOKING',
      notifyAdminsOnLinkPayment: index % 2 === 0,
      offlineMethods: ['CASH', 'CHECK', 'E_TRANSFER'],
      autoCaptureBeforeExpiry: true,
    },
  };
  return [{ stream: `tenant-${tenant.tenantId}`, events: [created, settings] }];
}

function customerSteps(customer: Customer, index: number): Step[] {
  const registered: CustomerRegistered = {
    type: 'CustomerRegistered',
    data: { customerId: customer.customerId, name: `Customer ${index}`, email: `customer${index}@example.com`, phone: index % 4 === 0 ? null : `+1416555${String(index % 10_000).padStart(4, '0')}` },
  };
  const saved: CardSaved = {
    type: 'CardSaved',
    data: {
      customerId: customer.customerId,
      cardId: customer.cardId,
      processorCustomerId: `cus_${index.toString(36).padStart(14, '0')}`,
      processorPaymentMethodId: `pm_${index.toString(36).padStart(24, '0')}`,
      brand: brands[index % brands.length]!,
      last4: String(1000 + (index % 9000)),
      expMonth: 1 + (index % 12),
      expYear: 2027 + (index % 5),
    },
  };
  return [{ stream: `customer-${customer.customerId}`, events: [registered, saved] }];
}

export type FlowKind = 'card' | 'card-refund' | 'cash' | 'hold' | 'decline';

/** The steps of one booking and its payment; `cash` is also what the lag measurement appends. */
export function bookingFlow(customer: Customer, kind: FlowKind, n: number): { steps: Step[]; paymentId: string } {
  const { currency } = customer.tenant;
  const bookingId = randomUUID();
  const paymentId = randomUUID();
  const total: Money = { amountMinor: 5_000 + ((n * 7919) % 45_000), currency };
  const booking = `booking-${bookingId}`;
  const payment = `payment-${paymentId}`;
  const day = new Date(START + n * 60_000 + 3 * 86_400_000).toISOString().slice(0, 10);
  const created: BookingCreated = {
    type: 'BookingCreated',
    data: { bookingId, customerId: customer.customerId, description: descriptions[n % descriptions.length]!, total, serviceDate: day, source: (['ONLINE', 'PHONE', 'MANUAL'] as const)[n % 3]! },
  };
  const allocations = [{ bookingId, amount: total }];
  const steps: Step[] = [{ stream: booking, events: [created] }];
  if (kind === 'cash') {
    const method = (['CASH', 'CHECK', 'E_TRANSFER'] as const)[n % 3]!;
    const collected: CashCollected = {
      type: 'CashCollected',
      data: { paymentId, customerId: customer.customerId, allocations, amount: total, method, ...(method === 'CHECK' ? { reference: `chq ${n}` } : {}) },
    };
    const applied: PaymentApplied = { type: 'PaymentApplied', data: { bookingId, paymentId, amount: total, method } };
    steps.push({ stream: payment, events: [collected] }, { stream: booking, events: [applied] });
    return { steps, paymentId };
  }
  const onFile = n % 3 !== 0;
  const method = onFile ? 'CARD_ON_FILE' : 'NEW_CARD';
  const initiated: PaymentInitiated = {
    type: 'PaymentInitiated',
    data: {
      paymentId,
      customerId: customer.customerId,
      allocations,
      amount: total,
      method,
      capture: kind === 'hold' ? 'MANUAL' : 'AUTOMATIC',
      ...(onFile ? { cardId: customer.cardId } : {}),
      saveCard: false,
      idempotencyKey: `pay_${paymentId}`,
    },
  };
  const reserved: PaymentReserved = { type: 'PaymentReserved', data: { bookingId, paymentId, amount: total } };
  steps.push({ stream: payment, events: [initiated] }, { stream: booking, events: [reserved] });
  const processorPaymentId = `pi_${paymentId.replaceAll('-', '').slice(0, 24)}`;
  if (kind === 'hold') {
    const authorized: PaymentAuthorized = {
      type: 'PaymentAuthorized',
      data: { paymentId, processorPaymentId, amount: total, captureBefore: new Date(START + n * 60_000 + 7 * 86_400_000).toISOString() },
    };
    const hold: AuthorizationApplied = { type: 'AuthorizationApplied', data: { bookingId, paymentId, amount: total } };
    steps.push({ stream: payment, events: [authorized] }, { stream: booking, events: [hold] });
  } else if (kind === 'decline') {
    const failed: ChargeFailed = {
      type: 'ChargeFailed',
      data: { paymentId, failureCode: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    };
    const released: PaymentReservationReleased = { type: 'PaymentReservationReleased', data: { bookingId, paymentId } };
    steps.push({ stream: payment, events: [failed] }, { stream: booking, events: [released] });
  } else {
    const charged: Charged = {
      type: 'Charged',
      data: { paymentId, processorPaymentId, amount: total, card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030 } },
    };
    const applied: PaymentApplied = { type: 'PaymentApplied', data: { bookingId, paymentId, amount: total, method } };
    steps.push({ stream: payment, events: [charged] }, { stream: booking, events: [applied] });
    if (kind === 'card-refund') {
      const refundId = randomUUID();
      const amount: Money = { amountMinor: Math.floor(total.amountMinor / 2), currency };
      const requested: RefundRequested = { type: 'RefundRequested', data: { paymentId, refundId, amount, reason: 'Service partly done' } };
      const refunded: Refunded = { type: 'Refunded', data: { paymentId, refundId, processorRefundId: `re_${refundId.slice(0, 8)}`, amount } };
      const refundApplied: RefundApplied = { type: 'RefundApplied', data: { bookingId, paymentId, refundId, amount } };
      steps.push({ stream: payment, events: [requested, refunded] }, { stream: booking, events: [refundApplied] });
    }
  }
  return { steps, paymentId };
}

const flowSize: Record<FlowKind, number> = { card: 5, 'card-refund': 8, cash: 3, hold: 5, decline: 5 };

function kindOf(r: number): FlowKind {
  if (r < 0.5) return 'card';
  if (r < 0.6) return 'card-refund';
  if (r < 0.85) return 'cash';
  if (r < 0.93) return 'hold';
  return 'decline';
}

/** Runs `count` jobs over `writers` concurrent workers. */
async function pool(count: number, writers: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < count) await job(next++);
    }),
  );
}

export interface GeneratedLog {
  readonly events: number;
  readonly tenants: readonly Tenant[];
  readonly customers: readonly Customer[];
  readonly counts: Record<FlowKind, number>;
}

/** Fills `store` with at least `target` events: tenants, then customers, then booking flows. */
export async function generateLog(store: EventStore, target: number, writers = 64): Promise<GeneratedLog> {
  const rnd = random(42);
  const tenants: Tenant[] = Array.from({ length: Math.max(4, Math.round(target / 1000)) }, (_, i) => ({
    slug: `tenant-${i}-cleaning`,
    tenantId: randomUUID(),
    currency: zones[i % zones.length]![1],
  }));
  const customers: Customer[] = Array.from({ length: Math.max(10, Math.round(target / 20)) }, (_, i) => ({
    tenant: tenants[i % tenants.length]!,
    customerId: randomUUID(),
    cardId: randomUUID(),
  }));
  await pool(tenants.length, writers, (i) => appendFlow(store, tenants[i]!.slug, START, tenantSteps(tenants[i]!, i)));
  await pool(customers.length, writers, (i) => appendFlow(store, customers[i]!.tenant.slug, START + 60_000, customerSteps(customers[i]!, i)));
  let events = tenants.length * 2 + customers.length * 2;
  const flows: { customer: Customer; kind: FlowKind }[] = [];
  while (events < target) {
    const kind = kindOf(rnd());
    flows.push({ customer: customers[Math.floor(rnd() * customers.length)]!, kind });
    events += flowSize[kind];
  }
  const counts: Record<FlowKind, number> = { card: 0, 'card-refund': 0, cash: 0, hold: 0, decline: 0 };
  for (const flow of flows) counts[flow.kind]++;
  await pool(flows.length, writers, (n) => {
    const { customer, kind } = flows[n]!;
    return appendFlow(store, customer.tenant.slug, START + 120_000 + n * 60_000, bookingFlow(customer, kind, n).steps);
  });
  return { events, tenants, customers, counts };
}

/** Appends one flow now (occurredAt = now); resolves with the position of each step's append. */
export async function appendLiveFlow(store: EventStore, customer: Customer, kind: FlowKind, n: number, onStep: (step: number, paymentId: string) => void): Promise<void> {
  const { steps, paymentId } = bookingFlow(customer, kind, n);
  const revisions = new Map<string, ExpectedRevision>();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const commandId = randomUUID();
    const result = await store.appendToStream(
      step.stream,
      step.events.map((e) => newEvent(customer.tenant.slug, new Date().toISOString(), commandId, e)),
      { expectedRevision: revisions.get(step.stream) ?? 'no_stream' },
    );
    revisions.set(step.stream, result.nextExpectedRevision);
    onStep(i, paymentId);
  }
}
