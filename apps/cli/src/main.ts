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
import { keysList, keysRevoke } from './keys.command.js';
import { keysCreate, tenantsCreate } from './tenants.command.js';

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

const tenants = program.command('tenants').description('Businesses using the ledger.');
tenants
  .command('create')
  .description('Create a tenant (a service business).')
  .argument('<slug>', 'the tenant id used in keys and URLs, e.g. sparkle-cleaning')
  .requiredOption('--name <name>', 'the business name customers see')
  .requiredOption('--currency <code>', 'ISO 4217 currency, e.g. CAD')
  .option('--time-zone <zone>', 'IANA time zone for reports, e.g. America/Toronto', 'UTC')
  .option('--admin-email <address>', 'where admin notifications (payment link paid) are sent')
  .action(async (slug: string, options: { name: string; currency: string; timeZone?: string; adminEmail?: string }) => {
    process.exitCode = await tenantsCreate(loadConfiguration(), slug, options);
  });

const keys = program.command('keys').description('API keys for the GraphQL API.');
keys
  .command('create')
  .description('Create an API key and print it (only the key, once) on stdout.')
  .requiredOption('--tenant <slug>', 'the tenant the key belongs to')
  .requiredOption('--role <role>', 'ADMIN, STAFF, AUDITOR or REPORTER')
  .option('--label <label>', 'a note to tell keys apart, e.g. "front desk tablet"')
  .action(async (options: { tenant: string; role: string; label?: string }) => {
    process.exitCode = await keysCreate(loadConfiguration(), options);
  });
keys
  .command('list')
  .description("List a tenant's API keys (id, role, status, created at, label), newest first; never a secret or its hash.")
  .requiredOption('--tenant <slug>', 'the tenant whose keys to list')
  .option('--json', 'print the keys as JSON')
  .action(async (options: { tenant: string; json?: boolean }) => {
    process.exitCode = await keysList(loadConfiguration(), { tenant: options.tenant, json: options.json === true });
  });
keys
  .command('revoke')
  .description('Revoke an API key: every API process refuses it from then on. Revoking a revoked key changes nothing.')
  .argument('<keyId>', 'the key id, the part of the key between "lk_" and the next "_" (see keys list)')
  .requiredOption('--tenant <slug>', 'the tenant the key belongs to')
  .action(async (keyId: string, options: { tenant: string }) => {
    process.exitCode = await keysRevoke(loadConfiguration(), keyId, options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigurationError || error instanceof EventStoreUnavailableError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 2;
});
