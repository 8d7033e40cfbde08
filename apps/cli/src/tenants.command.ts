/**
 * `ledger tenants create` and `ledger keys create`: set a business up and issue its API keys.
 * `keys create` prints the key alone on stdout, so a script can capture it; it is shown once.
 */
import { CreateApiKeyCommand, CreateTenantCommand, isRejection } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { apiKeyRoles } from '@ledger/domain';
import { withCommandBus } from './ledger-context.js';

export interface TenantOptions {
  readonly name: string;
  readonly currency: string;
  readonly timeZone?: string;
  readonly adminEmail?: string;
}

/** A rejection is the user's to fix: its message, and exit code 1; anything else propagates. */
function refused(error: unknown): number {
  if (!isRejection(error)) throw error;
  console.error(`${error.code}: ${error.message}`);
  return 1;
}

export async function tenantsCreate(config: Configuration, slug: string, options: TenantOptions): Promise<number> {
  try {
    await withCommandBus(config, (bus) =>
      bus.execute(
        new CreateTenantCommand({
          tenantId: slug,
          name: options.name,
          currency: options.currency.toUpperCase(),
          ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          ...(options.adminEmail ? { adminEmail: options.adminEmail } : {}),
        }),
      ),
    );
    console.error(`Created tenant ${slug}. Next: npm run ledger -- keys create --tenant ${slug} --role ADMIN`);
    return 0;
  } catch (error) {
    return refused(error);
  }
}

export async function keysCreate(config: Configuration, options: { tenant: string; role: string; label?: string }): Promise<number> {
  const role = options.role.toUpperCase();
  if (!(apiKeyRoles as readonly string[]).includes(role)) {
    console.error(`Unknown role ${options.role}. Roles: ${apiKeyRoles.join(', ')}`);
    return 2;
  }
  try {
    const created = await withCommandBus(config, (bus) =>
      bus.execute(new CreateApiKeyCommand({ tenantId: options.tenant, role, ...(options.label ? { label: options.label } : {}) })),
    );
    console.log(created.key);
    return 0;
  } catch (error) {
    return refused(error);
  }
}
