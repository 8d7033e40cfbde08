/**
 * The Testbed's own module already carries every handler and service of the application module,
 * so "adding" providers means using the Testbed's bus. Kept as a function so a spec can name the
 * providers it relies on; asking for one the module lacks fails loudly.
 */
import type { Provider } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { TestingModule } from '@nestjs/testing';
import type { Testbed } from './testbed.js';

export interface ExtendedTestbed {
  readonly module: TestingModule;
  readonly commandBus: CommandBus;
  close(): Promise<void>;
}

export function withProviders(bed: Testbed, providers: readonly Provider[]): Promise<ExtendedTestbed> {
  for (const provider of providers) bed.module.get(provider as new (...args: never[]) => unknown);
  return Promise.resolve({ module: bed.module, commandBus: bed.commandBus, close: () => Promise.resolve() });
}
