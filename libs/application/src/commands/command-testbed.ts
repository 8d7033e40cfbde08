/**
 * The Testbed's write side (SQLite event store and sandbox processor on temporary files, a
 * ManualClock, a real Nest command bus) with the tenant, customer, card and booking handlers
 * added, for their integration tests. It sets businesses up through the commands themselves.
 * Once those handlers are part of the application module, the shared Testbed serves as well.
 */
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import type { Command } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingDecider, customerDecider, streamName } from '@ledger/domain';
import type { Booking, ChargeTiming, Customer } from '@ledger/domain';
import { EventStore, SqliteEventStore } from '@ledger/event-store';
import { PaymentGateway, SandboxPaymentGateway } from '@ledger/payments';
import { cardServices } from '../cards/card-vault.js';
import { Clock, ManualClock } from '../clock.port.js';
import type { Caller } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { applicationServices, commandHandlers } from '../ledger-application.module.js';
import { CustomerBookings, LogScanningCustomerBookings } from '../payments/customer-bookings.port.js';
import { StepProbe } from '../payments/step-probe.js';
import { countingGateway } from '../testing/counting-gateway.js';
import { bookingHandlers } from './booking.handlers.js';
import { RegisterCustomerCommand } from './customer.commands.js';
import { customerHandlers } from './customer.handlers.js';
import { ConnectStripeAccountCommand, CreateTenantCommand, UpdatePaymentSettingsCommand } from './tenant.commands.js';
import { tenantHandlers } from './tenant.handlers.js';

export interface TenantSetup {
  readonly chargeTiming?: ChargeTiming;
  /** Connect the (sandbox) processor account; true unless said otherwise. */
  readonly connect?: boolean;
  readonly currency?: string;
}

export class CommandTestbed {
  /** Calls that reached the processor, by method. */
  readonly processorCalls: Record<string, number>;

  private constructor(
    readonly module: TestingModule,
    readonly dir: string,
    readonly store: SqliteEventStore,
    readonly gateway: SandboxPaymentGateway,
    readonly clock: ManualClock,
    processorCalls: Record<string, number>,
  ) {
    this.processorCalls = processorCalls;
  }

  /** `probe` replaces the pass-through step probe, e.g. with one that crashes at a step. */
  static async start(probe: StepProbe = new StepProbe()): Promise<CommandTestbed> {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-commands-'));
    const clock = new ManualClock(new Date('2026-11-22T10:00:00.000Z'));
    const store = new SqliteEventStore({ file: join(dir, 'events.db'), pollIntervalMs: 20 });
    const gateway = new SandboxPaymentGateway({ file: join(dir, 'sandbox.db'), clock });
    const counted = countingGateway(gateway);
    const handlers = new Set([...commandHandlers, ...tenantHandlers, ...customerHandlers, ...bookingHandlers]);
    const module = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: PaymentGateway, useValue: counted.gateway },
        { provide: Clock, useValue: clock },
        { provide: CustomerBookings, useClass: LogScanningCustomerBookings },
        ...new Set([...applicationServices, ...cardServices]),
        ...handlers,
      ],
    })
      .overrideProvider(StepProbe)
      .useValue(probe)
      .compile();
    await module.init();
    return new CommandTestbed(module, dir, store, gateway, clock, counted.calls);
  }

  execute<R>(command: Command<R>): Promise<R> {
    return this.module.get(CommandBus).execute(command);
  }

  caller(tenant: string): Caller {
    return { tenant, actor: { kind: 'API_KEY', id: `key-of-${tenant}` } };
  }

  /** A business set up as an operator would: created, connected, and its charge timing chosen. */
  async setUpTenant(tenantId: string, setup: TenantSetup = {}): Promise<Caller> {
    await this.execute(new CreateTenantCommand({ tenantId, name: `Business ${tenantId}`, currency: setup.currency ?? 'CAD', timeZone: 'America/Toronto' }));
    const caller = this.caller(tenantId);
    if (setup.connect !== false) await this.execute(new ConnectStripeAccountCommand(caller, { returnUrl: 'https://app.example/settings' }));
    if (setup.chargeTiming !== undefined) {
      const settings = { chargeTiming: setup.chargeTiming, notifyAdminsOnLinkPayment: true, offlineMethods: ['CASH' as const] };
      await this.execute(new UpdatePaymentSettingsCommand(caller, settings));
    }
    return caller;
  }

  async registerCustomer(caller: Caller, email = 'ada@example.com'): Promise<string> {
    const { customerId } = await this.execute(new RegisterCustomerCommand(caller, { name: 'Ada Lovelace', email }));
    return customerId;
  }

  async booking(caller: Caller, bookingId: string): Promise<Booking> {
    const { state } = await this.module.get(DecisionRunner).load(streamName.booking(bookingId), bookingDecider, caller.tenant);
    if (state.status === 'NONE') throw new Error(`no booking ${bookingId}`);
    return state;
  }

  async customer(caller: Caller, customerId: string): Promise<Customer> {
    const { state } = await this.module.get(DecisionRunner).load(streamName.customer(customerId), customerDecider, caller.tenant);
    if (state.status === 'NONE') throw new Error(`no customer ${customerId}`);
    return state;
  }

  async eventTypes(stream: string): Promise<string[]> {
    return (await this.store.readStream(stream)).map((event) => event.type);
  }

  async dispose(): Promise<void> {
    await this.module.close();
    await this.store.close();
    this.gateway.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
