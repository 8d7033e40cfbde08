/**
 * The `ledger` command (`npm run ledger -- <command>`). Long work shows a progress bar on a
 * terminal and stays quiet in pipes; results go to stdout, messages to stderr.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigurationError, loadConfiguration } from '@ledger/config';
import { EventStoreUnavailableError } from '@ledger/event-store';
import { auditVerify } from './audit.command.js';
import { projectionsRebuild } from './projections.command.js';

const program = new Command('ledger').description('Operate the payments ledger: audits, reports, projections, tenants and keys.');

const audit = program.command('audit').description('Check and export the event log as recorded.');
audit
  .command('verify')
  .description("Verify every stream's hash chain over the whole log; exits 1 if anything was altered.")
  .option('--json', 'print the result as JSON')
  .action(async (options: { json?: boolean }) => {
    process.exitCode = await auditVerify(loadConfiguration(), { json: options.json === true });
  });

const projections = program.command('projections').description('Maintain the read models.');
projections
  .command('rebuild')
  .description('Rebuild read models from the log into a new generation, then switch to it; the old one serves until then.')
  .argument('[names...]', 'projections to rebuild, e.g. booking-balance')
  .option('--all', 'rebuild every projection')
  .action(async (names: string[], options: { all?: boolean }) => {
    process.exitCode = await projectionsRebuild(loadConfiguration(), names, { all: options.all === true });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof EventStoreUnavailableError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 2;
});
