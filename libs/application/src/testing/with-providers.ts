/**
 * Puts more handlers and services on a running Testbed's write side: a second Nest module over
 * the same event store, counted sandbox processor and clock, for providers the Testbed does not
 * list (yet). Its command bus reaches the extra handlers; what they record is what the Testbed reads.
 */
import type { Provider } from '@nestjs/common';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { EventStore } from '@ledger/event-store';
import { PaymentGateway } from '@ledger/payments';
import { Clock } from '../clock.port.js';
import { applicationServices } from '../ledger-application.module.js';
import { CustomerBookings, LogScanningCustomerBookings } from '../payments/customer-bookings.port.js';
import { StepProbe } from '../payments/step-probe.js';
import type { Testbed } from './testbed.js';

export interface ExtendedTestbed {
  readonly module: TestingModule;
  readonly commandBus: CommandBus;
  close(): Promise<void>;
}

export async function withProviders(bed: Testbed, providers: readonly Provider[]): Promise<ExtendedTestbed> {
  const module = await Test.createTestingModule({
    imports: [CqrsModule.forRoot()],
    providers: [
      { provide: EventStore, useValue: bed.store },
      { provide: PaymentGateway, useValue: bed.module.get<PaymentGateway>(PaymentGateway) },
      { provide: Clock, useValue: bed.clock },
      { provide: CustomerBookings, useClass: LogScanningCustomerBookings },
      ...applicationServices,
      ...providers,
    ],
  })
    .overrideProvider(StepProbe)
    .useValue(bed.module.get<StepProbe>(StepProbe))
    .compile();
  await module.init();
  return { module, commandBus: module.get(CommandBus), close: () => module.close() };
}
