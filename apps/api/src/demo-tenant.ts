/**
 * First start on the embedded defaults: a demo business with a sandbox processor account and
 * one ADMIN key, printed once, so a newcomer can send a query within a minute. Never with
 * production settings (a real processor, a production environment or a shared event store).
 */
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ConnectStripeAccountCommand, CreateApiKeyCommand, CreateTenantCommand } from '@ledger/application';
import type { Configuration } from '@ledger/config';
import { streamName } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';

export const DEMO_TENANT = 'demo';

export function demoAllowed(config: Configuration): boolean {
  return config.environment !== 'production' && config.eventStore.kind === 'sqlite' && config.payments.kind === 'sandbox';
}

/** The new admin key, or undefined when the demo already existed (its key was shown then). */
export async function ensureDemoTenant(app: INestApplicationContext, config: Configuration): Promise<string | undefined> {
  if (!demoAllowed(config)) return undefined;
  const existing = await app.get(EventStore).readStream(streamName.tenant(DEMO_TENANT), { maxCount: 1 });
  if (existing.length > 0) return undefined;
  const bus = app.get(CommandBus);
  await bus.execute(new CreateTenantCommand({ tenantId: DEMO_TENANT, name: 'Demo Cleaning Co.', currency: 'CAD', timeZone: 'America/Toronto' }));
  const caller = { tenant: DEMO_TENANT, actor: { kind: 'SYSTEM' as const, id: 'demo-setup' } };
  await bus.execute(new ConnectStripeAccountCommand(caller, { returnUrl: `${config.publicUrl}/settings` }));
  const { key } = await bus.execute(new CreateApiKeyCommand({ tenantId: DEMO_TENANT, role: 'ADMIN', label: 'demo' }));
  return key;
}

export function demoBanner(config: Configuration, key: string): string {
  return [
    '',
    '  A demo business was created (tenant "demo", sandbox card processor).',
    '  Its ADMIN API key, shown only this once:',
    '',
    `    ${key}`,
    '',
    `  Try it:  curl -s ${config.publicUrl}/graphql -H 'content-type: application/json' \\`,
    `             -H 'authorization: Bearer ${key}' -d '{"query":"{ paymentSettings { businessName currency } }"}'`,
    `  Or open ${config.publicUrl}/graphql in a browser and put the key in the Headers tab.`,
    '  Another key later: npm run ledger -- keys create --tenant demo --role ADMIN',
    '',
  ].join('\n');
}
