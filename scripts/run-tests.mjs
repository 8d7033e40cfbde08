#!/usr/bin/env node
// The project's test command. It makes sure the local test services run (FerretDB, stripe-mock),
// runs Jest in its native ESM mode (NestJS 12 ships only ES modules), and ends with the plain
// line "N passed, N failed, N skipped" computed from Jest's own JSON results, exiting non-zero
// when anything failed or Jest itself failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Several runs at once (parallel work on one machine) each name their own results file.
const resultsFile = process.env.JEST_RESULTS_FILE ?? join(root, 'reports', 'jest-results.json');
const args = process.argv.slice(2);

function startServices() {
  if (process.env.SKIP_TEST_SERVICES === '1') return {};
  const started = spawnSync('bash', [join(root, 'scripts/test-services.sh'), 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (started.status !== 0) {
    console.error('The local test services did not start; see the messages above.');
    process.exit(started.status ?? 1);
  }
  const printed = spawnSync('bash', [join(root, 'scripts/test-services.sh'), 'env'], { encoding: 'utf8' });
  return Object.fromEntries(
    printed.stdout
      .split('\n')
      .map((line) => line.match(/^(?:export\s+)?([A-Z0-9_]+)=["']?([^"']*)["']?$/))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

function runJest(env) {
  mkdirSync(dirname(resultsFile), { recursive: true });
  rmSync(resultsFile, { force: true });
  const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  return spawnSync(
    process.execPath,
    ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', jestBin, '--json', `--outputFile=${resultsFile}`, ...args],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
}

function summarise(jestStatus) {
  if (!existsSync(resultsFile)) {
    console.error('Jest wrote no results file.');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const passed = results.numPassedTests;
  // Suites that failed to run at all (a syntax error, a crash) count as failures too.
  const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  const skipped = results.numPendingTests + results.numTodoTests;
  const failing = failed > 0 || jestStatus !== 0 || !results.success;
  console.log(`${passed} passed, ${failed > 0 ? failed : failing ? 1 : 0} failed, ${skipped} skipped`);
  return failing ? 1 : 0;
}

const env = startServices();
const jest = runJest(env);
process.exit(summarise(jest.status ?? 1));
