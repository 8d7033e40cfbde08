/**
 * A real write side for application tests: a SQLite event store and a sandbox processor on files
 * in a temporary directory, a clock the test moves, and every handler on a real Nest command bus.
 * Seeding helpers write the tenant, customer, booking and card a payment test starts from.
 */
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { CqrsModule, CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingDecider, customerDecider, money, streamName, tenantDecider } from '@ledger/domain';
import type { Actor, BookingSource, CommandContext } from '@ledger/domain';
import { EventStore, SqliteEventStore } from '@ledger/event-store';
import { PaymentGateway, SandboxPaymentGateway } from '@ledger/payments';
import { Clock, ManualClock } from '../clock.port.js';
import type { Caller } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { commandHandlers, applicationServices } from '../ledger-application.module.js';
import { CustomerBookings, LogScanningCustomerBookings } from '../payments/customer-bookings.port.js';
import { StepProbe } from '../payments/step-probe.js';
import { countingGateway } from './counting-gateway.js';

export interface TestbedOptions {
  /** Replaces the pass-through probe, e.g. with one that crashes at a step. */
  readonly probe?: StepProbe;
  /** Reuse the files of an earlier testbed: a restart after a crash. */
  readonly dir?: string;
}

export class Testbed {
  readonly caller: Caller;
  /** Calls that reached the processor, by method. */
  readonly processorCalls: Record<string, number>;

  private constructor(
    readonly module: TestingModule,
    readonly dir: string,
    readonly store: SqliteEventStore,
    readonly gateway: SandboxPaymentGateway,
    readonly clock: ManualClock,
    readonly tenantId: string,
    processorCalls: Record<string, number>,
  ) {
    this.processorCalls = processorCalls;
    this.caller = { tenant: tenantId, actor: { kind: 'API_KEY', id: 'test-key' } };
  }

  static async start(options: TestbedOptions = {}, tenantId = 'sparkle-cleaning'): Promise<Testbed> {
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ledger-app-'));
    const clock = new ManualClock(new Date('2026-11-22T10:00:00.000Z'));
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    const gateway = new SandboxPaymentGateway({ file: join(dir, 'sandbox.db'), clock });
    const counted = countingGateway(gateway);
    const module = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: PaymentGateway, useValue: counted.gateway },
        { provide: Clock, useValue: clock },
        { provide: CustomerBookings, useClass: LogScanningCustomerBookings },
        ...applicationServices,
        ...commandHandlers,
      ],
    })
      .overrideProvider(StepProbe)
      .useValue(options.probe ?? new StepProbe())
      .compile();
    await module.init();
    return new Testbed(module, dir, store, gateway, clock, tenantId, counted.calls);
  }

  get commandBus(): CommandBus {
    return this.module.get(CommandBus);
  }

  get runner(): DecisionRunner {
    return this.module.get(DecisionRunner);
  }

  get<T>(type: new (...args: never[]) => T): T {
    return this.module.get(type);
  }

  /** Stops this "process" without removing its files, so another testbed can restart on them. */
  async stop(): Promise<void> {
    await this.module.close();
    await this.store.close();
    this.gateway.close();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  context(commandId: string = randomUUID(), actor: Actor = this.caller.actor): CommandContext {
    return { commandId, tenant: this.tenantId, actor, now: this.clock.now().toISOString() };
  }

  /** A tenant in CAD whose (sandbox) processor account is connected and able to charge. */
  async seedTenant(currency = 'CAD'): Promise<void> {
    const tenant = streamName.tenant(this.tenantId);
    const tenantId = this.tenantId;
    await this.runner.decide(tenant, tenantDecider, {
      type: 'CreateTenant',
      data: { tenantId, slug: tenantId, name: 'Sparkle Cleaning', currency, timeZone: 'America/Toronto' },
      context: this.context(),
    });
    await this.runner.decide(tenant, tenantDecider, { type: 'StartStripeConnect', data: { tenantId, accountId: 'acct_sandbox' }, context: this.context() });
    await this.runner.decide(tenant, tenantDecider, {
      type: 'UpdateStripeAccount',
      data: { tenantId, accountId: 'acct_sandbox', chargesEnabled: true, state: 'ACTIVE' },
      context: this.context(),
    });
  }

  async seedCustomer(customerId: string = randomUUID()): Promise<string> {
    await this.runner.decide(streamName.customer(customerId), customerDecider, {
      type: 'RegisterCustomer',
      data: { customerId, name: 'Ada Lovelace', email: 'ada@example.com', phone: '+15145550100' },
      context: this.context(),
    });
    return customerId;
  }

  async seedBooking(customerId: string, totalMinor: number, serviceDate = '2026-11-20', source: BookingSource = 'PHONE'): Promise<string> {
    const bookingId = randomUUID();
    await this.runner.decide(streamName.booking(bookingId), bookingDecider, {
      type: 'CreateBooking',
      data: { bookingId, customerId, description: 'Deep clean, 3 bedrooms', total: money(totalMinor, 'CAD'), serviceDate, source },
      context: this.context(),
    });
    return bookingId;
  }

  /** Saves a card through the sandbox processor and records it, as the saveCard flow does. */
  async seedCard(customerId: string, token = 'pm_card_visa'): Promise<string> {
    const { processorCustomerId } = await this.gateway.ensureCustomer({ account: {}, idempotencyKey: `seed-cus-${customerId}`, customerId });
    const saved = await this.gateway.saveCard({ account: {}, idempotencyKey: `seed-card-${customerId}-${token}`, processorCustomerId, paymentMethodToken: token });
    if (saved.status !== 'saved') throw new Error(`the sandbox refused ${token}: ${saved.failureCode}`);
    const cardId = randomUUID();
    const { processorPaymentMethodId, brand, last4, expMonth, expYear } = saved.card;
    await this.runner.decide(streamName.customer(customerId), customerDecider, {
      type: 'SaveCard',
      data: { customerId, cardId, processorCustomerId, processorPaymentMethodId, brand, last4, expMonth, expYear },
      context: this.context(),
    });
    return cardId;
  }

  async booking(bookingId: string) {
    const { state } = await this.runner.load(streamName.booking(bookingId), bookingDecider, this.tenantId);
    if (state.status === 'NONE') throw new Error(`no booking ${bookingId}`);
    return state;
  }

  async eventTypes(stream: string): Promise<string[]> {
    return (await this.store.readStream(stream)).map((event) => event.type);
  }
}
