/**
 * The Testbed with the hold, offline-payment and refund handlers and the hold-expiry monitor on a
 * command bus of their own, over the Testbed's event store, counted processor and clock. Seeding,
 * `processorCalls` and the assertions' helpers stay the Testbed's. Once these handlers are in the
 * application module, the tests can use the Testbed's own command bus instead.
 */
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { CqrsModule, CommandBus } from '@nestjs/cqrs';
import type { Command } from '@nestjs/cqrs';
import { EventStore } from '@ledger/event-store';
import { PaymentGateway } from '@ledger/payments';
import { Clock } from '../clock.port.js';
import { applicationServices } from '../ledger-application.module.js';
import { CustomerBookings, LogScanningCustomerBookings } from '../payments/customer-bookings.port.js';
import { StepProbe } from '../payments/step-probe.js';
import { HoldExpiryMonitor, holdExpiryServices } from '../process-managers/hold-expiry.js';
import { Testbed } from '../testing/testbed.js';
import type { TestbedOptions } from '../testing/testbed.js';
import { holdHandlers, holdServices } from './hold.handlers.js';
import { offlineHandlers } from './offline.handlers.js';
import { refundHandlers } from './refund.handlers.js';

export class MoneyTestbed {
  private constructor(
    readonly bed: Testbed,
    private readonly module: TestingModule,
  ) {}

  static async start(options: TestbedOptions = {}): Promise<MoneyTestbed> {
    const bed = await Testbed.start(options.dir === undefined ? {} : { dir: options.dir });
    const module = await Test.createTestingModule({
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: EventStore, useValue: bed.store },
        { provide: PaymentGateway, useValue: bed.module.get<PaymentGateway>(PaymentGateway) },
        { provide: Clock, useValue: bed.clock },
        { provide: CustomerBookings, useClass: LogScanningCustomerBookings },
        ...applicationServices,
        ...holdServices,
        ...holdExpiryServices,
        ...holdHandlers,
        ...offlineHandlers,
        ...refundHandlers,
      ],
    })
      .overrideProvider(StepProbe)
      .useValue(options.probe ?? new StepProbe())
      .compile();
    await module.init();
    return new MoneyTestbed(bed, module);
  }

  execute<R>(command: Command<R>): Promise<R> {
    return this.module.get(CommandBus).execute(command);
  }

  get monitor(): HoldExpiryMonitor {
    return this.module.get(HoldExpiryMonitor);
  }

  /** Stops this "process" and keeps its files, so another one can start on them. */
  async stop(): Promise<void> {
    await this.module.close();
    await this.bed.stop();
  }

  async dispose(): Promise<void> {
    await this.module.close();
    await this.bed.dispose();
  }
}
