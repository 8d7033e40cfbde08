// Goal: no request, however malformed or hostile, answers 5xx or INTERNAL_SERVER_ERROR, takes
// longer than a bound, or, when refused, changes the log; and after the whole run every read
// model equals a rebuild from the log, so nothing reached the read models but events.
// Method: requests generated from the committed SDL with fast-check (a seed makes a run
// reproducible), sent one at a time over HTTP with a key of every role to an embedded API
// seeded through its own API; each answer is judged by FuzzHarness. FUZZ_REQUESTS (10,000),
// FUZZ_SEED and FUZZ_MAX_MS (3,000) change the run; `npm run fuzz` runs it on its own.
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { ProjectorHost, compareWithRebuild } from '@ledger/application';
import { EventStore } from '@ledger/event-store';
import { allProjections } from '@ledger/projections';
import { ReadStore, SqliteReadStore } from '@ledger/read-store';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { FuzzHarness } from '../testing/fuzz/fuzz-harness.js';
import type { Verdict } from '../testing/fuzz/fuzz-harness.js';
import { seedFuzzWorld } from '../testing/fuzz/fuzz-world.js';
import { fuzzRequests } from '../testing/fuzz/operations.js';

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const MAX_MS = Number(process.env.FUZZ_MAX_MS ?? 3_000);
/** Failures reported in full; the run goes on to count the rest. */
const REPORTED = 10;

function describeFailures(failures: Verdict[], total: number): string {
  const lines = failures
    .slice(0, REPORTED)
    .map((f) => `#${f.index} ${f.request.role} ${f.request.label}: ${f.problem}\n  body: ${f.request.body.slice(0, 600)}`);
  return `${failures.length} of ${total} requests failed (replay: FUZZ_SEED=${SEED} FUZZ_REQUESTS=${total} npm run fuzz)\n${lines.join('\n')}`;
}

describe(`schema-aware fuzzing (seed ${SEED})`, () => {
  let api: TestApi;

  beforeAll(async () => {
    // One key sends thousands of requests a minute here; the rate limit is tested elsewhere.
    process.env.API_RATE_LIMIT_PER_MINUTE = '100000000';
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
    delete process.env.API_RATE_LIMIT_PER_MINUTE;
  });

  it(`answers ${REQUESTS} generated requests without a 5xx, an internal error, a stall or a trace of a refusal`, async () => {
    const world = await seedFuzzWorld(api);
    const schema = buildSchema(readFileSync(join(process.cwd(), 'apps/api/schema.graphql'), 'utf8'));
    const requests = fc.sample(fuzzRequests(schema, world.pools), { seed: SEED, numRuns: REQUESTS });
    const harness = new FuzzHarness(api, world.keys, MAX_MS, `fuzz-${SEED}`);
    const failures: Verdict[] = [];
    const times: number[] = [];
    const answers = new Map<string, number>();
    for (const [index, request] of requests.entries()) {
      const verdict = await harness.judge(index, request);
      times.push(verdict.ms);
      const answer = verdict.codes[0] ?? (verdict.request.label.startsWith('mutation') ? 'ok (mutation)' : 'ok');
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      if (verdict.problem) failures.push(verdict);
    }
    console.log(
      `answers: ${[...answers]
        .sort((a, b) => b[1] - a[1])
        .map(([code, count]) => `${code} ${count}`)
        .join(', ')}`,
    );
    times.sort((a, b) => a - b);
    console.log(
      `fuzz seed ${SEED}: ${REQUESTS} requests, p50 ${times[Math.floor(REQUESTS / 2)]!.toFixed(1)} ms, p99 ${times[Math.floor(REQUESTS * 0.99)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`,
    );
    if (failures.length > 0) throw new Error(describeFailures(failures, REQUESTS));
  }, 1_800_000);

  it('leaves read models equal to a rebuild from the log', async () => {
    const events = api.app.get(EventStore);
    const host = api.app.get(ProjectorHost);
    // Process managers may still be reacting to the last requests: wait until the log is still.
    for (let head = await events.headPosition(); ;) {
      if (head) await host.caughtUpTo(head, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const now = await events.headPosition();
      if (now === head) break;
      head = now;
    }
    const dir = mkdtempSync(join(tmpdir(), 'ledger-fuzz-rebuild-'));
    const scratch = new SqliteReadStore({ file: join(dir, 'rebuilt.db') });
    try {
      const differences = await compareWithRebuild(events, api.app.get(ReadStore), scratch, allProjections, (projection, collection) =>
        host.collectionFor(projection.name, collection),
      );
      expect(differences).toEqual([]);
    } finally {
      await scratch.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
