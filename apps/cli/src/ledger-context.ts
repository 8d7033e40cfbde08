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
  return withLedger(config, (app) => work(app.get(CommandBus)));
}

/** The same context for commands that also ask questions (the query bus, the ledger reader). */
export async function withLedger<T>(config: Configuration, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const app: INestApplicationContext = await NestFactory.createApplicationContext(LedgerApplicationModule.forRoot(config), {
    logger: false,
    abortOnError: false,
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
