/**
 * `npm run bench:api`: the GraphQL API under load, beside a bare `@apollo/server` answering
 * `{ hello }` in the same run on the same machine, with the ratio (issue #5, "Performance").
 *
 * 1. Baseline: a bare Apollo Server (standalone), 32 connections.
 * 2. The ledger API as production runs it (NODE_ENV=production: no introspection, no IDE, and
 *    graphql-js without its development checks) on the embedded SQLite stores in a temp DATA_DIR,
 *    with stripe-mock as the card processor (the sandbox refuses production); request logging
 *    off and the per-key rate limit raised out of the way. The npm script starts the local test
 *    services and sets NODE_ENV for the whole process, so the bare server runs the same way: (a) a dashboard read, `booking(id)` with its payments; (b) the
 *    money mutation `recordOfflinePayment`, a fresh idempotency key per request, round-robin over
 *    many bookings with room in their balance. Targets: read >= 0.35 of bare with p99 < 25 ms;
 *    mutation >= 0.15 with p99 < 50 ms.
 * 3. The same booking read with ~1,000 events in the store and with ~1,000,000 (filler events of
 *    an unrelated type appended in big batches through the EventStore port to unrelated streams).
 *    Target: ratio of the per-request costs < 1.2.
 *
 * Load comes from autocannon in a child process. Knobs: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2, discarded), BENCH_CONNECTIONS
 * (32), BENCH_BOOKINGS (2000), BENCH_BIG_EVENTS (1,000,000), BENCH_SMALL_EVENTS (1,000).
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { CommandBus } from '@nestjs/cqrs';
import { fork, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateApiKeyCommand, ProjectorHost, CreateTenantCommand } from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { EventStore } from '@ledger/event-store';
import type { NewEvent } from '@ledger/event-store';
import { createApi } from '../src/bootstrap.js';
import { freePort } from '../src/testing/test-api.js';
import { nestHello } from './nest-hello.js';
import type { LoadResult, LoadSpec } from './load.worker.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 2000);
const SMALL_EVENTS = Number(process.env.BENCH_SMALL_EVENTS ?? 1000);
const BIG_EVENTS = Number(process.env.BENCH_BIG_EVENTS ?? 1_000_000);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const FILL_BATCH = 1000;
const FILL_PARALLEL = 4;

// Read when the API builds its rate limiter: one key sends everything here.
process.env.API_RATE_LIMIT_PER_MINUTE = '100000000';

// Responses are walked by shape; a wrong shape fails the run.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** A short discarded run first (JIT, connection set-up), then the measured one. */
async function measure(spec: LoadSpec): Promise<LoadResult> {
  await run({ ...spec, seconds: WARMUP_SECONDS, ...(spec.mutation ? { mutation: { ...spec.mutation, run: `${spec.mutation.run}-warmup` } } : {}) });
  return run(spec);
}

function run(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./load.worker.js', import.meta.url));
    child.once('message', (message: LoadResult | { error: string }) => {
      if ('error' in message) reject(new Error(message.error));
      else resolve(message);
      child.disconnect();
    });
    child.once('error', reject);
    child.send(spec);
  });
}

async function gql(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<Json> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Json; errors?: unknown[] };
  if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors).slice(0, 400)}`);
  return body.data!;
}

async function bareApollo(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new ApolloServer({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  const { url } = await startStandaloneServer(server, { listen: { port: await freePort(), host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

/** Counts the events in the log by paging through it. */
async function countEvents(store: EventStore): Promise<number> {
  let count = 0;
  let after;
  for (;;) {
    const page = await store.readAll({ maxCount: 10_000, raw: true, ...(after ? { after } : {}) });
    if (page.length === 0) return count;
    count += page.length;
    after = page[page.length - 1]!.position;
  }
}

/** Appends `count` filler events to fresh unrelated streams, `FILL_BATCH` per append. */
async function fill(store: EventStore, count: number): Promise<void> {
  if (count <= 0) return;
  const started = Date.now();
  let next = 0;
  let done = 0;
  let reported = started;
  const payload = { note: 'x'.repeat(200), amountMinor: 1234, currency: 'CAD' };
  await Promise.all(
    Array.from({ length: FILL_PARALLEL }, async () => {
      while (next < count) {
        const n = Math.min(FILL_BATCH, count - next);
        next += n;
        const events: NewEvent[] = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'BenchFiller', data: { ...payload, i }, metadata: { tenant: 'bench-filler' } }));
        await store.appendToStream(`benchfill-${randomUUID()}`, events, { expectedRevision: 'no_stream' });
        done += n;
        if (Date.now() - reported > 15_000) {
          reported = Date.now();
          console.log(`  ... ${fmt(done)} of ${fmt(count)} filler events (${fmt(done / ((reported - started) / 1000))}/s)`);
        }
      }
    }),
  );
  console.log(`  appended ${fmt(count)} filler events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface Line {
  readonly figure: string;
  readonly result: LoadResult;
  readonly ratio?: number;
  readonly target?: string;
  readonly met?: boolean;
}

function print(lines: readonly Line[]): void {
  console.log(`\n${'figure'.padEnd(52)}${'req/s'.padStart(9)}${'p50'.padStart(10)}${'p99'.padStart(10)}${'failed'.padStart(8)}${'ratio'.padStart(8)}  target`);
  for (const { figure, result, ratio, target, met } of lines) {
    console.log(
      `${figure.padEnd(52)}${fmt(result.perSecond).padStart(9)}${ms(result.p50).padStart(10)}${ms(result.p99).padStart(10)}${String(result.failures).padStart(8)}${(ratio === undefined ? '' : ratio.toFixed(2)).padStart(8)}  ${target ?? ''}${target ? (met ? ' met' : ' MISSED') : ''}`,
    );
  }
}

/** Production settings with stripe-mock (from `scripts/test-services.sh env`) as the processor. */
function productionEnvironment(): Record<string, string> {
  const printed = spawnSync('bash', ['scripts/test-services.sh', 'env'], { encoding: 'utf8' }).stdout;
  const stripeMock = /STRIPE_MOCK_URL=["']?([^"'\n]+)/.exec(printed)?.[1] ?? process.env.STRIPE_MOCK_URL;
  if (!stripeMock || process.env.NODE_ENV !== 'production') {
    throw new Error('bench:api runs the API in production mode against stripe-mock: run it with `npm run bench:api` (which starts the test services)');
  }
  const mock = new URL(stripeMock);
  return {
    NODE_ENV: 'production',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: 'whsec_bench',
    STRIPE_API_HOST: mock.hostname,
    STRIPE_API_PORT: mock.port,
    STRIPE_API_PROTOCOL: mock.protocol.replace(':', ''),
  };
}

async function main(): Promise<void> {
  console.log(`bench:api: ${CONNECTIONS} connections, ${SECONDS} s per figure, load from autocannon in a child process`);

  // 1. The bare server.
  const bare = await bareApollo();
  const baseline = await measure({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS, body: JSON.stringify({ query: '{ hello }' }) });
  await bare.stop();
  print([{ figure: 'bare @apollo/server, { hello }', result: baseline }]);
  const nest = await nestHello(await freePort());
  const framework = await measure({ url: nest.url, connections: CONNECTIONS, seconds: SECONDS, body: JSON.stringify({ query: '{ hello }' }) });
  await nest.stop();
  print([{ figure: 'NestJS + Apollo, { hello } (reference)', result: framework, ratio: framework.perSecond / baseline.perSecond }]);

  // 2. The ledger API.
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfiguration({ ...productionEnvironment(), PUBLIC_URL: url, PORT: String(port), DATA_DIR: dataDir });
  const app = await createApi(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  try {
    const bus = app.get(CommandBus);
    const store = app.get(EventStore);
    await bus.execute(new CreateTenantCommand({ tenantId: 'bench', name: 'Bench services', currency: 'CAD', timeZone: 'America/Toronto' }));
    const key = (await bus.execute(new CreateApiKeyCommand({ tenantId: 'bench', role: 'ADMIN' }))).key;
    await gql(url, key, 'mutation { connectStripeAccount(input: { returnUrl: "http://localhost/settings" }) { state } }');
    const customerId = (await gql(url, key, 'mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { id } }', { i: { name: 'Ada Lovelace', email: 'ada@example.com' } }))
      .registerCustomer.id as string;
    const createBooking = async (amountMinor: number): Promise<string> =>
      (
        await gql(url, key, 'mutation($i: CreateBookingInput!) { createBooking(input: $i) { booking { id } } }', {
          i: { customerId, description: 'Deep clean', amountMinor, currency: 'CAD', serviceDate: '2026-11-20', source: 'PHONE' },
        })
      ).createBooking.booking.id as string;
    const pay = (bookingId: string, amountMinor: number, idempotencyKey: string): Promise<Json> =>
      gql(url, key, 'mutation($i: RecordOfflinePaymentInput!) { recordOfflinePayment(input: $i) { id } }', { i: { bookingId, method: 'CASH', amountMinor, idempotencyKey } });

    // The booking the dashboard reads: three payments on it.
    const readId = await createBooking(50_000);
    for (let i = 0; i < 3; i++) await pay(readId, 5_000, `read-${i}`);
    const readQuery = 'query($id: ID!) { booking(id: $id) { id paymentStatus balance { amountMinor currency } payments { id method status amount { amountMinor currency } } } }';
    const readBody = JSON.stringify({ query: readQuery, variables: { id: readId } });
    const sample = await gql(url, key, readQuery, { id: readId });
    if ((sample.booking.payments as unknown[]).length !== 3) throw new Error(`expected 3 payments: ${JSON.stringify(sample)}`);

    const initial = await countEvents(store);
    await fill(store, SMALL_EVENTS - initial);
    const small = initial + Math.max(0, SMALL_EVENTS - initial);
    console.log(`\nstore: ${fmt(small)} events; reading booking ${readId}`);
    const readSmall = await measure({ url: `${url}/graphql`, key, connections: CONNECTIONS, seconds: SECONDS, body: readBody });

    // Bookings for the mutation, with room for many small payments each.
    const started = Date.now();
    const bookingIds: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (bookingIds.length < BOOKINGS) {
          bookingIds.push('');
          bookingIds[bookingIds.length - 1] = await createBooking(10_000_000);
        }
      }),
    );
    console.log(`created ${fmt(bookingIds.length)} bookings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const mutation = await measure({ url: `${url}/graphql`, key, connections: CONNECTIONS, seconds: SECONDS, mutation: { bookingIds, amountMinor: 100, run: `bench-${Date.now()}` } });

    // 3. The same read with a big store.
    const before = await countEvents(store);
    await fill(store, BIG_EVENTS - before);
    const big = before + Math.max(0, BIG_EVENTS - before);
    // The figure is for a store of that size at rest: the projector first catches up on the filler.
    const catchUp = Date.now();
    await app.get(ProjectorHost).caughtUpTo((await store.headPosition())!, 30 * 60_000);
    console.log(`store: ${fmt(big)} events (read models caught up on the filler in ${((Date.now() - catchUp) / 1000).toFixed(1)} s)`);
    const readBig = await measure({ url: `${url}/graphql`, key, connections: CONNECTIONS, seconds: SECONDS, body: readBody });

    const readRatio = readSmall.perSecond / baseline.perSecond;
    const mutationRatio = mutation.perSecond / baseline.perSecond;
    // Cost per request: the inverse of throughput at fixed concurrency.
    const sizeRatio = readSmall.perSecond / readBig.perSecond;
    print([
      { figure: 'bare @apollo/server, { hello }', result: baseline },
      { figure: 'NestJS + Apollo, { hello } (reference)', result: framework, ratio: framework.perSecond / baseline.perSecond },
      {
        figure: `booking read, ${fmt(small)} events (vs bare)`,
        result: readSmall,
        ratio: readRatio,
        target: '>= 0.35, p99 < 25 ms',
        met: readRatio >= 0.35 && readSmall.p99 < 25,
      },
      {
        figure: 'recordOfflinePayment (vs bare)',
        result: mutation,
        ratio: mutationRatio,
        target: '>= 0.15, p99 < 50 ms',
        met: mutationRatio >= 0.15 && mutation.p99 < 50,
      },
      {
        figure: `booking read, ${fmt(big)} events (cost vs ${fmt(small)})`,
        result: readBig,
        ratio: sizeRatio,
        target: '< 1.2',
        met: sizeRatio < 1.2,
      },
    ]);
    console.log('\nratios: read and mutation are req/s over the bare server; the store-size ratio is the cost per read (1 / req/s) with the big store over the small one.');
    console.log('NODE_ENV=production (both servers), stripe-mock as the processor, request logging off.');
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
