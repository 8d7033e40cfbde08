/** `ledger audit verify`: the whole-log hash-chain check, for auditors. */
import { SingleBar, Presets } from 'cli-progress';
import type { Configuration } from '@ledger/config';
import { auditLog, createEventStore } from '@ledger/event-store';

export async function auditVerify(config: Configuration, options: { readonly json: boolean }): Promise<number> {
  const store = createEventStore(config);
  const head = await store.headPosition();
  const bar = process.stderr.isTTY ? new SingleBar({ format: 'verifying {bar} {value} events', stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(0, 0);
  try {
    const result = await auditLog(store, (events) => bar?.update(events));
    bar?.stop();
    if (options.json) {
      console.log(JSON.stringify({ ...result, head: head ?? null }, null, 2));
    } else {
      console.log(`${result.events} events in ${result.streams} streams checked; ${result.broken.length} broken links.`);
      for (const link of result.broken) console.log(`BROKEN ${link.streamName}@${link.revision} (position ${link.position}): ${link.reason}`);
    }
    return result.broken.length === 0 ? 0 : 1;
  } finally {
    await store.close();
  }
}
