import type { CommandContext } from './event-metadata.js';

/**
 * An event is a named fact with plain data. The literal `type` string is the stored contract,
 * so it never depends on class names or on the build.
 */
export type Event<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;

/** A command asks for a decision; the context carries time, ids, actor and tenant. */
export type Command<Type extends string, Data extends object> = Readonly<{
  type: Type;
  data: Readonly<Data>;
  context: CommandContext;
}>;

/**
 * The whole behaviour of an aggregate as two pure functions. `decide` rejects by throwing a
 * `DomainError`, and returns no events when the command was already carried out, which is how
 * retries and duplicate webhooks become harmless.
 */
export type Decider<C, E, S> = Readonly<{
  initialState: S;
  decide: (command: C, state: S) => E[];
  evolve: (state: S, event: E) => S;
}>;

/** Folds a stream into state; the application loads streams with exactly this. */
export function foldEvents<E, S>(
  decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
  events: readonly E[],
): S {
  return events.reduce(decider.evolve, decider.initialState);
}

/**
 * Marks a branch the compiler proves unreachable. At run time it still throws, because a
 * stored event or a command from an older client may carry a type this build does not know.
 */
export function unreachable(value: never, what: string): never {
  throw new Error(`Unknown ${what}: ${JSON.stringify(value)}`);
}

/**
 * Guards evolve against impossible histories. Evolve never rejects facts, but a stream whose
 * order contradicts the deciders is corrupt, and loading it must fail loudly rather than
 * produce a wrong balance.
 */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violated: ${message}`);
}
