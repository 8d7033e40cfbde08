/**
 * API processes in production settings, each behind its own Toxiproxy proxies, for fault tests
 * that cut one instance off and kill it: every connection an instance makes (KurrentDB, MongoDB,
 * Stripe, SMTP) goes through a proxy of its own, so faults on one instance's links leave the
 * other's alone. Also the business they serve, set up as an operator and a dashboard would: the
 * tenant and an ADMIN key through the `ledger` CLI on the same stores, the Stripe account
 * connected over GraphQL and activated by its signed `account.updated` webhook.
 */
import Stripe from 'stripe';
import { join } from 'node:path';
import { stripeEvents } from '@ledger/testing';
import type { FaultyLink, FaultyNetwork } from '@ledger/testing';
import type { Endpoint } from './balanced-client.js';
import { postOnce } from './balanced-client.js';
import type { ApiProcess, LedgerProcesses } from './ledger-processes.js';

export const WEBHOOK_SECRET = 'whsec_capstone';
export const MAIL_FROM = 'Twin Cleaning <payments@twin.example>';

/** Where the shared servers are, as the test process reaches them directly. */
export interface Servers {
  /** The KurrentDB double's `host:port`. */
  readonly eventStore: string;
  /** FerretDB's `host:port`. */
  readonly mongodb: string;
  /** The database every instance shares, fresh for the test. */
  readonly database: string;
  /** The Stripe stand-in's `host:port`. */
  readonly stripe: string;
  /** The test SMTP server's URL (`smtp://user:pass@host:port`). */
  readonly smtpUrl: string;
}

export interface InstanceLinks {
  readonly events: FaultyLink;
  readonly reads: FaultyLink;
  readonly stripe: FaultyLink;
  readonly smtp: FaultyLink;
}

export interface ProductionInstance {
  readonly api: ApiProcess;
  readonly endpoint: Endpoint;
  readonly links: InstanceLinks;
}

export const eventStoreUrl = (address: string): string => `kurrentdb://${address}?tls=false`;
// Heartbeats every 500 ms, so a lost server is noticed soon (the adapter's own timeouts apply).
export const mongodbUrl = (address: string, database: string): string => `mongodb://${address}/${database}?directConnection=true&heartbeatFrequencyMS=500`;

/** The environment production needs: its own stores, Stripe, SMTP with a sender, a public URL. */
function productionEnvironment(port: number, dataDir: string, servers: Servers, links: InstanceLinks): Record<string, string> {
  const smtp = new URL(servers.smtpUrl);
  smtp.host = links.smtp.address;
  return {
    NODE_ENV: 'production',
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    EVENTSTOREDB_URL: eventStoreUrl(links.events.address),
    MONGODB_URL: mongodbUrl(links.reads.address, servers.database),
    STRIPE_SECRET_KEY: 'sk_test_capstone',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_HOST: links.stripe.host,
    STRIPE_API_PORT: String(links.stripe.port),
    STRIPE_API_PROTOCOL: 'http',
    SMTP_URL: smtp.toString(),
    MAIL_FROM,
  };
}

/** Makes the instance's four proxies and starts its API process behind them. */
export async function startProductionInstance(name: string, processes: LedgerProcesses, network: FaultyNetwork, servers: Servers): Promise<ProductionInstance> {
  const [events, reads, stripe, smtp] = await Promise.all([
    network.proxy(`${name}_kurrentdb`, servers.eventStore),
    network.proxy(`${name}_mongodb`, servers.mongodb),
    network.proxy(`${name}_stripe`, servers.stripe),
    network.proxy(`${name}_smtp`, new URL(servers.smtpUrl).host),
  ]);
  const links = { events, reads, stripe, smtp };
  const api = await processes.startApi(name, (port) => productionEnvironment(port, join(processes.logDir, name), servers, links));
  return { api, endpoint: { name, url: api.url, down: false }, links };
}

/**
 * Creates the tenant and an ADMIN key with the CLI, straight on the shared servers; returns the
 * key. The CLI runs the API's application module, so it needs the same production settings
 * (in production it refuses to start on the sandbox processor).
 */
export async function createTenantWithCli(processes: LedgerProcesses, servers: Servers, tenant: string): Promise<string> {
  const [stripeHost, stripePort] = servers.stripe.split(':') as [string, string];
  const env = {
    NODE_ENV: 'production',
    DATA_DIR: join(processes.logDir, 'cli'),
    EVENTSTOREDB_URL: eventStoreUrl(servers.eventStore),
    MONGODB_URL: mongodbUrl(servers.mongodb, servers.database),
    STRIPE_SECRET_KEY: 'sk_test_capstone',
    STRIPE_API_HOST: stripeHost,
    STRIPE_API_PORT: stripePort,
    STRIPE_API_PROTOCOL: 'http',
    SMTP_URL: servers.smtpUrl,
    MAIL_FROM,
  };
  await processes.cli(['tenants', 'create', tenant, '--name', 'Twin Cleaning', '--currency', 'CAD', '--time-zone', 'America/Toronto'], env);
  return processes.cli(['keys', 'create', '--tenant', tenant, '--role', 'ADMIN', '--label', 'capstone dashboard'], env);
}

async function graphqlData(endpoint: Endpoint, key: string, query: string): Promise<Record<string, unknown>> {
  const outcome = await postOnce(endpoint, key, query, {});
  if ('lost' in outcome || !outcome.answer.data) throw new Error(`${query}: ${JSON.stringify(outcome)}`);
  return outcome.answer.data;
}

/** Connects the tenant's Stripe account and sends the webhook that says it can charge. */
export async function connectStripe(endpoint: Endpoint, key: string): Promise<string> {
  await graphqlData(endpoint, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://127.0.0.1/settings" }) { state } }');
  const settings = (await graphqlData(endpoint, key, '{ paymentSettings { stripeAccountId } }')).paymentSettings as { stripeAccountId: string };
  const accountId = settings.stripeAccountId;
  const payload = JSON.stringify(stripeEvents.event('account.updated', stripeEvents.account(accountId, true), { account: accountId }));
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  const posted = await fetch(`${endpoint.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  if (posted.status !== 200) throw new Error(`account.updated answered ${posted.status}: ${await posted.text()}`);
  const enabled = (await graphqlData(endpoint, key, '{ paymentSettings { chargesEnabled } }')).paymentSettings as { chargesEnabled: boolean };
  if (!enabled.chargesEnabled) throw new Error(`charges are not enabled on ${accountId} after account.updated`);
  return accountId;
}

/** Resolves once `check` holds, polling every 100 ms; rejects naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}
