/**
 * The production projector: a standalone process that follows the global log and writes the
 * read models. The read models arrive with the read side; until then it follows the configured
 * event store's global log from its head and reports what it sees, until stopped.
 */
import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigurationError, loadConfiguration } from '@ledger/config';
import type { Configuration } from '@ledger/config';
import { EventStore, EventStoreModule, EventStoreUnavailableError } from '@ledger/event-store';

@Module({})
class ProjectorModule {
  static forRoot(config: Configuration): DynamicModule {
    return { module: ProjectorModule, imports: [EventStoreModule.forRoot(config)] };
  }
}

async function main(): Promise<void> {
  const config = loadConfiguration();
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config));
  app.enableShutdownHooks();
  const logger = new Logger('Projector');
  const store = app.get(EventStore);
  const head = await store.headPosition();
  logger.log(`Connected; following the log from ${head ?? 'its start'}. No read models are registered yet.`);
  let seen = 0;
  for await (const event of store.subscribeToAll(head ? { after: head } : {})) {
    seen++;
    logger.debug(`${event.type} on ${event.streamName} at ${event.position} (${seen} since start)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigurationError || error instanceof EventStoreUnavailableError ? error.message : error);
  process.exit(1);
});
