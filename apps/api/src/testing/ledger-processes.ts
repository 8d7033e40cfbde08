/**
 * The ledger as separate processes, for e2e tests that must kill one for real: the sources
 * compiled once with the SWC step of `npm run build` (same `.swcrc`, same flags) into a private
 * directory under `node_modules/.cache`, so that a concurrent `npm run build` (which empties
 * dist/) cannot pull the code from under a running test and the test always runs the sources as
 * they are; the KurrentDB test double as a process of its own; API processes started from the
 * compiled `main.js` with the environment a test gives them, as production starts them; and the
 * `ledger` CLI against the same stores.
 *
 * Every process started here is killed by `stopAll()`, and, should the test process exit first,
 * by its exit (children are SIGKILLed synchronously then); the double also stops when the pipe
 * to its standard input closes. Each API's output goes to a log file for the failure message.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './test-api.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ApiProcess {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly logFile: string;
  /** True once the process has exited, by a signal or on its own. */
  readonly exited: boolean;
  /** Sends the signal and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** The last lines of its output, for failure messages. */
  logTail(lines?: number): string;
}

export interface KurrentDbDoubleProcess {
  readonly url: string;
  readonly port: number;
}

export class LedgerProcesses {
  private readonly children = new Set<ChildProcess>();
  private readonly killOnExit = (): void => {
    for (const child of this.children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  private constructor(
    private readonly buildDir: string,
    /** Where each API's log file is written; kept when a test fails, for its message. */
    readonly logDir: string,
  ) {
    process.once('exit', this.killOnExit);
  }

  /** Compiles apps, libraries and projections (about a second) and returns the starter. */
  static async build(): Promise<LedgerProcesses> {
    const buildDir = join(ROOT, 'node_modules', '.cache', `ledger-e2e-${process.pid}-${randomUUID().slice(0, 8)}`);
    const swc = createRequire(import.meta.url).resolve('@swc/cli/bin/swc.js');
    const flags = ['-d', buildDir, '--config-file', '.swcrc', '--ignore', '**/*.spec.ts', '--copy-files', '--quiet'];
    try {
      await run(process.execPath, [swc, 'apps', 'libs', 'projections', ...flags], { cwd: ROOT });
    } catch (error) {
      rmSync(buildDir, { recursive: true, force: true });
      throw error;
    }
    return new LedgerProcesses(buildDir, mkdtempSync(join(tmpdir(), 'ledger-processes-')));
  }

  /** Starts the double on a free port; resolves with its address once it listens. */
  async startKurrentDbDouble(): Promise<KurrentDbDoubleProcess> {
    const main = join(this.buildDir, 'libs/testing/src/kurrentdb-double/main.js');
    const child = this.track(spawn(process.execPath, [main, '--exit-with-parent'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
    const line = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`The KurrentDB double exited (${String(code)}) before it listened`)));
      createInterface({ input: child.stdout! }).once('line', resolve);
    });
    return JSON.parse(line) as KurrentDbDoubleProcess;
  }

  /**
   * Starts `node main.js` with exactly `env` (plus PATH and PORT) and resolves once
   * `/health/live` answers, or rejects with its output if it exits or stays silent for 30 s.
   */
  async startApi(name: string, env: (port: number) => Record<string, string>): Promise<ApiProcess> {
    const port = await freePort();
    const logFile = join(this.logDir, `${name}.log`);
    const log = openSync(logFile, 'a');
    const child = this.track(
      spawn(process.execPath, [join(this.buildDir, 'apps/api/src/main.js')], {
        cwd: this.logDir,
        env: { PATH: process.env.PATH ?? '', ...env(port), PORT: String(port) },
        stdio: ['ignore', log, log],
      }),
    );
    closeSync(log);
    const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const api: ApiProcess = {
      name,
      url: `http://127.0.0.1:${port}`,
      port,
      pid: child.pid!,
      logFile,
      get exited() {
        return child.exitCode !== null || child.signalCode !== null;
      },
      kill: async (signal) => {
        if (!api.exited) child.kill(signal);
        await exit;
      },
      logTail: (lines = 40) => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n'),
    };
    await this.untilLive(api);
    return api;
  }

  /** Runs `ledger <args>` with `env` and returns what it printed on stdout, trimmed. */
  async cli(args: readonly string[], env: Record<string, string>): Promise<string> {
    const main = join(this.buildDir, 'apps/cli/src/main.js');
    const { stdout } = await run(process.execPath, [main, ...args], { cwd: this.logDir, env: { PATH: process.env.PATH ?? '', ...env } });
    return stdout.trim();
  }

  /** Kills every process still running, removes the build, and the logs unless asked to keep them. */
  async stopAll(options: { keepLogs?: boolean } = {}): Promise<void> {
    const running = [...this.children].filter((child) => child.exitCode === null && child.signalCode === null);
    await Promise.all(running.map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve()).kill('SIGKILL'))));
    this.children.clear();
    process.removeListener('exit', this.killOnExit);
    rmSync(this.buildDir, { recursive: true, force: true });
    if (!options.keepLogs) rmSync(this.logDir, { recursive: true, force: true });
  }

  private track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    return child;
  }

  private async untilLive(api: ApiProcess): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (api.exited) throw new Error(`API ${api.name} exited during start-up:\n${api.logTail()}`);
      const live = await fetch(`${api.url}/health/live`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      if (live?.ok) return;
      if (Date.now() > deadline) throw new Error(`API ${api.name} did not answer /health/live within 30 s:\n${api.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
