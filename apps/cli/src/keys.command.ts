/**
 * `ledger keys list` and `ledger keys revoke`: see a tenant's API keys and withdraw one. Neither
 * shows a secret or its hash: the list is the application's key query, which leaves them out.
 * (`keys create` lives with `tenants create` in tenants.command.ts.)
 */
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { LedgerReader, ListApiKeysQuery, MAX_API_KEY_PAGE, RevokeApiKeyCommand, isRejection } from '@ledger/application';
import type { ApiKeyView } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { withLedger } from './ledger-context.js';

/** A rejection is the user's to fix: one line and exit code 1; anything else propagates. */
function refused(error: unknown, message?: string): number {
  if (!isRejection(error)) throw error;
  console.error(`${error.code}: ${message ?? error.message}`);
  return 1;
}

async function allKeys(app: INestApplicationContext, tenant: string): Promise<ApiKeyView[]> {
  // An unknown tenant (a typo) is said so, rather than listed as a tenant without keys.
  await app.get(LedgerReader).tenant(tenant);
  const keys: ApiKeyView[] = [];
  for (let after: string | undefined; ;) {
    const page = await app.get(QueryBus).execute(new ListApiKeysQuery(tenant, { first: MAX_API_KEY_PAGE, ...(after ? { after } : {}) }));
    keys.push(...page.edges.map((edge) => edge.node));
    if (!page.hasNextPage) return keys;
    after = page.edges[page.edges.length - 1]!.cursor;
  }
}

/** Columns padded to their widest cell, so the table reads in a terminal and greps in a pipe. */
function table(keys: readonly ApiKeyView[]): string[] {
  const rows = [['KEY ID', 'ROLE', 'STATUS', 'CREATED AT', 'LABEL'], ...keys.map((key) => [key.keyId, key.role, key.status, key.createdAt, key.label ?? ''])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd(),
  );
}

export async function keysList(config: Configuration, options: { tenant: string; json?: boolean }): Promise<number> {
  try {
    const keys = await withLedger(config, (app) => allKeys(app, options.tenant));
    if (options.json) {
      const listed = keys.map(({ keyId, role, label, createdAt, status, revokedAt }) => ({ keyId, role, label, createdAt, status, revokedAt }));
      console.log(JSON.stringify(listed, null, 2));
    } else if (keys.length === 0) {
      console.error(`Tenant ${options.tenant} has no API keys. Create one: npm run ledger -- keys create --tenant ${options.tenant} --role ADMIN`);
    } else {
      for (const line of table(keys)) console.log(line);
    }
    return 0;
  } catch (error) {
    return refused(error);
  }
}

export async function keysRevoke(config: Configuration, keyId: string, options: { tenant: string }): Promise<number> {
  try {
    const revoked = await withLedger(config, (app) => app.get(CommandBus).execute(new RevokeApiKeyCommand({ tenantId: options.tenant, keyId })));
    if (revoked.alreadyRevoked) {
      console.error(`API key ${keyId} of tenant ${options.tenant} was already revoked; nothing changed.`);
    } else {
      console.error(`Revoked API key ${keyId} of tenant ${options.tenant}. Running API processes refuse it within a fraction of a second.`);
    }
    return 0;
  } catch (error) {
    // A key of another tenant reads exactly like a missing one, so a guess learns nothing.
    if (isRejection(error) && error.code === 'NOT_FOUND') return refused(error, `tenant ${options.tenant} has no API key ${keyId}`);
    return refused(error);
  }
}
