// The decision runner on a real SQLite event store: concurrent commands against one stream are
// decided against the state they append to (conflicts re-decided), so a limit is never exceeded;
// a repeated command appends nothing; events carry ids derived from the command and its metadata.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, eventMetadataFor } from '@ledger/domain';
import type { CommandContext, Decider } from '@ledger/domain';
import { SqliteEventStore } from '@ledger/event-store';
import { DecisionRunner } from './decision-runner.js';
import { deriveId } from './ids.js';

type Take = { type: 'Take'; data: { takeId: string; amount: number }; context: CommandContext };
type Taken = { type: 'Taken'; data: { takeId: string; amount: number } };
type Pot = { left: number; takes: string[] };

// A pot of 100: each take must fit what is left, and a take already made is not made again.
const pot: Decider<Take, Taken, Pot> = {
  initialState: { left: 100, takes: [] },
  decide: (command, state) => {
    if (state.takes.includes(command.data.takeId)) return [];
    if (command.data.amount > state.left) throw new DomainError('AMOUNT_EXCEEDS_BALANCE', 'too much', { left: state.left });
    return [{ type: 'Taken', data: command.data }];
  },
  evolve: (state, event) => ({ left: state.left - event.data.amount, takes: [...state.takes, event.data.takeId] }),
};

const context = (commandId: string): CommandContext => ({
  commandId,
  tenant: 'acme',
  actor: { kind: 'API_KEY', id: 'key-1' },
  now: '2026-11-22T10:00:00.000Z',
});

describe('DecisionRunner', () => {
  let dir: string;
  let store: SqliteEventStore;
  let runner: DecisionRunner;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-runner-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
    runner = new DecisionRunner(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never lets concurrent commands take more than the pot holds', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) =>
        runner.decide('pot-1', pot, { type: 'Take', data: { takeId: `t${i}`, amount: 10 }, context: context(`c${i}`) }),
      ),
    );
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(10);
    expect(rejected.map((o) => (o.reason as DomainError).code)).toEqual(Array(15).fill('AMOUNT_EXCEEDS_BALANCE'));
    expect((await runner.load('pot-1', pot)).state.left).toBe(0);
  });

  it('appends nothing when the command was already carried out', async () => {
    const command: Take = { type: 'Take', data: { takeId: 't1', amount: 30 }, context: context('c1') };
    const first = await runner.decide('pot-1', pot, command);
    const again = await runner.decide('pot-1', pot, command);
    expect(first.events).toHaveLength(1);
    expect(again.events).toEqual([]);
    expect(again.position).toBeUndefined();
    expect(await store.readStream('pot-1')).toHaveLength(1);
  });

  it('derives event ids from the command and records its metadata', async () => {
    const result = await runner.decide('pot-1', pot, { type: 'Take', data: { takeId: 't1', amount: 5 }, context: context('c1') });
    const [event] = await store.readStream('pot-1');
    expect(event!.id).toBe(deriveId('c1', 'pot-1', '0'));
    expect(event!.position).toBe(result.position);
    expect(event!.metadata).toEqual(eventMetadataFor(context('c1')));
    expect(event!.metadata).toMatchObject({ commandId: 'c1', correlationId: 'c1', tenant: 'acme', occurredAt: '2026-11-22T10:00:00.000Z' });
  });

  it('passes a rejection through without retrying or writing', async () => {
    await expect(
      runner.decide('pot-1', pot, { type: 'Take', data: { takeId: 't1', amount: 101 }, context: context('c1') }),
    ).rejects.toMatchObject({ code: 'AMOUNT_EXCEEDS_BALANCE' });
    expect(await store.readStream('pot-1')).toEqual([]);
  });

  it("refuses to decide on another tenant's stream, as if it did not exist", async () => {
    await runner.decide('pot-1', pot, { type: 'Take', data: { takeId: 't1', amount: 5 }, context: context('c1') });
    const intruder = { ...context('c2'), tenant: 'other-business' };
    await expect(runner.decide('pot-1', pot, { type: 'Take', data: { takeId: 't2', amount: 5 }, context: intruder })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(runner.load('pot-1', pot, 'other-business')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.readStream('pot-1')).toHaveLength(1);
  });
});
