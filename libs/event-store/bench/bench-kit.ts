/**
 * Small helpers shared by the benchmarks: timing a workload for a fixed duration and printing
 * each figure beside the baseline measured in the same run, with the ratio and the target.
 */
export interface Rate {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Runs `step` (which reports how many operations it did) until `durationMs` has passed. */
export async function measureFor(durationMs: number, step: () => number | Promise<number>): Promise<Rate> {
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(durationMs) * 1_000_000n;
  let operations = 0;
  while (process.hrtime.bigint() < deadline) operations += await step();
  return rateOf(operations, started);
}

export function rateOf(operations: number, started: bigint): Rate {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { operations, seconds, perSecond: operations / seconds };
}

export interface Row {
  readonly figure: string;
  readonly value: Rate;
  readonly baseline: string;
  readonly baselineValue: Rate;
  /** Minimum ratio the project commits to, if any. */
  readonly target?: number;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function printTable(title: string, rows: readonly Row[]): boolean {
  console.log(`\n${title}`);
  console.log(
    ['figure'.padEnd(46), 'per second'.padStart(12), 'baseline'.padEnd(44), 'per second'.padStart(12), 'ratio'.padStart(7), 'target'.padStart(8)].join('  '),
  );
  let allMet = true;
  for (const row of rows) {
    const ratio = row.value.perSecond / row.baselineValue.perSecond;
    const met = row.target === undefined || ratio >= row.target;
    allMet &&= met;
    const target = row.target === undefined ? '' : `>= ${row.target}${met ? '' : ' MISS'}`;
    console.log(
      [
        row.figure.padEnd(46),
        fmt(row.value.perSecond).padStart(12),
        row.baseline.padEnd(44),
        fmt(row.baselineValue.perSecond).padStart(12),
        ratio.toFixed(2).padStart(7),
        target.padStart(8),
      ].join('  '),
    );
  }
  return allMet;
}
