/**
 * The write side for CLI commands: the same command bus, handlers and stores the API uses, in a
 * short-lived application context without HTTP, projector or timers.
 */
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { LedgerApplicationModule } from '@ledger/application';
import type { Configuration } from '@ledger/config';

export async function withCommandBus<T>(config: Configuration, work: (bus: CommandBus) => Promise<T>): Promise<T> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(LedgerApplicationModule.forRoot(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await work(app.get(CommandBus));
  } finally {
    await app.close();
  }
}
