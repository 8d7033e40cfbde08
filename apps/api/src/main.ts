/** Starts the ledger API on the configured (by default embedded) stores. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfiguration } from '@ledger/config';
import { EventStoreUnavailableError } from '@ledger/event-store';
import { createApi } from './bootstrap.js';
import { demoBanner, ensureDemoTenant } from './demo-tenant.js';

async function main(): Promise<void> {
  const config = loadConfiguration();
  const app = await createApi(config);
  await app.listen(config.port);
  const where = config.eventStore.kind === 'sqlite' ? `embedded SQLite at ${config.eventStore.file}` : 'EventStoreDB';
  new Logger('Ledger').log(`Listening on ${config.publicUrl} (event store: ${where})`);
  const demoKey = await ensureDemoTenant(app, config);
  if (demoKey) console.log(demoBanner(config, demoKey));
}

main().catch((error: unknown) => {
  // Start-up failures a person must act on are printed plainly, without a stack trace.
  if (error instanceof ConfigurationError || error instanceof EventStoreUnavailableError) {
    console.error(`The ledger cannot start. ${error.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
