/**
 * The KurrentDB test double as a process of its own, for tests that run the ledger as separate
 * processes (and for a person who wants `npm start` against it): built to
 * `dist/libs/testing/src/kurrentdb-double/main.js` by `npm run build`.
 *
 *   node dist/libs/testing/src/kurrentdb-double/main.js [--port <n>] [--exit-with-parent]
 *
 * Once it listens it prints one JSON line on stdout, `{"port":<n>,"url":"kurrentdb://..."}`, so
 * the starter learns the port it took (0, the default, takes a free one). Its log lives in its
 * memory, as long as the process. SIGTERM or SIGINT stops it; with `--exit-with-parent` it also
 * stops when its standard input closes, which happens when the process that started it with a
 * pipe dies, so a test killed before its clean-up leaves no server behind.
 */
import { KurrentDbDouble } from './kurrentdb-double.js';

interface Arguments {
  readonly port: number;
  readonly exitWithParent: boolean;
}

function parse(argv: readonly string[]): Arguments {
  let port = 0;
  let exitWithParent = false;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--exit-with-parent') exitWithParent = true;
    else if (argument === '--port') port = Number(argv[++i]);
    else throw new Error(`Unknown argument ${String(argument)}; usage: main.js [--port <n>] [--exit-with-parent]`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be an integer between 0 and 65535');
  return { port, exitWithParent };
}

async function main(): Promise<void> {
  const { port, exitWithParent } = parse(process.argv.slice(2));
  const double = await KurrentDbDouble.start({ port });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // A second signal, or a stop that hangs on a stuck connection, must still end the process.
    setTimeout(() => process.exit(0), 2_000).unref();
    void double.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  if (exitWithParent) {
    process.stdin.once('end', stop).once('close', stop).resume();
  }
  process.stdout.write(`${JSON.stringify({ port: double.port, url: double.url })}\n`);
}

main().catch((error: unknown) => {
  console.error(`The KurrentDB test double could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
