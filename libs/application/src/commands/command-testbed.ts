/**
 * The Testbed seen from the tenant, customer, card and booking specs: several businesses on one
 * write side, each set up through the commands themselves, as an operator would.
 */
import type { TestingModule } from '@nestjs/testing';
import type { Command } from '@nestjs/cqrs';
import { bookingDecider, customerDecider, streamName } from '@ledger/domain';
import type { Booking, ChargeTiming, Customer } from '@ledger/domain';
import type { SqliteEventStore } from '@ledger/event-store';
import type { SandboxPaymentGateway } from '@ledger/payments';
import type { ManualClock } from '../clock.port.js';
import type { Caller } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { StepProbe } from '../payments/step-probe.js';
import { Testbed } from '../testing/testbed.js';
import { RegisterCustomerCommand } from './customer.commands.js';
import { ConnectStripeAccountCommand, CreateTenantCommand, UpdatePaymentSettingsCommand } from './tenant.commands.js';

export interface TenantSetup {
  readonly chargeTiming?: ChargeTiming;
  /** Connect the (sandbox) processor account; true unless said otherwise. */
  readonly connect?: boolean;
  readonly currency?: string;
}

export class CommandTestbed {
  private constructor(private readonly bed: Testbed) {}

  /** `probe` replaces the pass-through step probe, e.g. with one that crashes at a step. */
  static async start(probe: StepProbe = new StepProbe()): Promise<CommandTestbed> {
    return new CommandTestbed(await Testbed.start({ probe }));
  }

  get module(): TestingModule {
    return this.bed.module;
  }

  get store(): SqliteEventStore {
    return this.bed.store;
  }

  get gateway(): SandboxPaymentGateway {
    return this.bed.gateway;
  }

  get clock(): ManualClock {
    return this.bed.clock;
  }

  get dir(): string {
    return this.bed.dir;
  }

  /** Calls that reached the processor, by method. */
  get processorCalls(): Record<string, number> {
    return this.bed.processorCalls;
  }

  execute<R>(command: Command<R>): Promise<R> {
    return this.bed.commandBus.execute(command);
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

  dispose(): Promise<void> {
    return this.bed.dispose();
  }
}
