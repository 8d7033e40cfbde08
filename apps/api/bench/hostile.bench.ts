/**
 * `npm run bench:hostile`: how long the server spends refusing each hostile GraphQL request
 * (apps/api/src/testing/hostile-documents.ts), beside a small valid query answered in the same
 * run, with the ratio. Target: every refusal under 50 ms of server time.
 *
 * Server time is measured on the HTTP server itself, from the request's arrival to the last byte
 * of the answer, so the client's share is left out. The event loop's longest stall over each
 * request's repetitions is printed too: a refusal that is quick for its sender but stalls
 * everyone else's requests would show there. The API runs on its embedded defaults (introspection
 * on, the stricter case) with a REPORTER key, the weakest key that may query.
 * Knobs: BENCH_REPEATS (30 per request, after 5 discarded).
 */
import { CommandBus } from '@nestjs/cqrs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CreateApiKeyCommand, CreateTenantCommand } from '@ledger/application';
import { loadConfiguration } from '@ledger/config';
import { createApi } from '../src/bootstrap.js';
import { freePort } from '../src/testing/test-api.js';
import { HOSTILE_REQUESTS } from '../src/testing/hostile-documents.js';
import type { HostileRequest } from '../src/testing/hostile-documents.js';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);
const WARMUP = 5;
const TARGET_MS = 50;
process.env.API_RATE_LIMIT_PER_MINUTE = '100000000';

/** Server-side durations of the requests answered since the last call. */
function serverClock(server: Server): () => number[] {
  let finished: number[] = [];
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => finished.push(Number(process.hrtime.bigint() - start) / 1e6));
  });
  return () => {
    const taken = finished;
    finished = [];
    return taken;
  };
}

interface Figure {
  readonly name: string;
  readonly code: string;
  readonly p50Ms: number;
  readonly maxMs: number;
  readonly stallMs: number;
}

async function measure(url: string, key: string, request: Pick<HostileRequest, 'name' | 'body'>, take: () => number[]): Promise<Figure> {
  const send = async () => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(request.body),
    });
    return (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  };
  for (let i = 0; i < WARMUP; i++) await send();
  take();
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  let code = 'answered';
  for (let i = 0; i < REPEATS; i++) code = (await send()).errors?.[0]?.extensions?.code ?? 'answered';
  stalls.disable();
  const times = take().sort((a, b) => a - b);
  return { name: request.name, code, p50Ms: times[Math.floor(times.length / 2)]!, maxMs: times[times.length - 1]!, stallMs: stalls.max / 1e6 };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-bench-hostile-'));
  const port = await freePort();
  const config = loadConfiguration({ ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
  const app = await createApi(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  try {
    const bus = app.get(CommandBus);
    await bus.execute(new CreateTenantCommand({ tenantId: 'bench', name: 'Bench', currency: 'CAD', timeZone: 'UTC' }));
    const { key } = await bus.execute(new CreateApiKeyCommand({ tenantId: 'bench', role: 'REPORTER' }));
    const url = `http://127.0.0.1:${port}`;
    const take = serverClock(app.getHttpServer() as Server);
    const baseline = await measure(url, key, { name: 'baseline, answered: { receivables { asOf } }', body: { query: '{ receivables { asOf } }' } }, take);
    const figures = [];
    for (const request of HOSTILE_REQUESTS) figures.push(await measure(url, key, request, take));
    report(baseline, figures);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(baseline: Figure, figures: Figure[]): void {
  const row = (f: Figure) =>
    `| ${f.name} | ${f.code} | ${f.p50Ms.toFixed(2)} | ${f.maxMs.toFixed(2)} | ${(f.p50Ms / baseline.p50Ms).toFixed(2)} | ${f.stallMs.toFixed(1)} |`;
  console.log(`Hostile GraphQL requests, ${REPEATS} of each after ${WARMUP} discarded; server time in ms\n`);
  console.log('| request | answer | p50 | max | p50 / baseline p50 | longest event-loop stall |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: |');
  console.log(row(baseline));
  for (const figure of figures) console.log(row(figure));
  const worst = figures.reduce((a, b) => (b.maxMs > a.maxMs ? b : a));
  const verdict = worst.maxMs < TARGET_MS ? 'met' : 'MISSED';
  console.log(`\nWorst case: ${worst.name}, ${worst.maxMs.toFixed(2)} ms (target < ${TARGET_MS} ms: ${verdict}); baseline p50 ${baseline.p50Ms.toFixed(2)} ms.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
