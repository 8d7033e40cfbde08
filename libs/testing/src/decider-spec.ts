import { expect } from '@jest/globals';
import { type Decider, DomainError, type DomainErrorCode, foldEvents } from '@ledger/domain';

/**
 * Given/when/then for deciders: past events, one command, and either the events it decides or
 * the code it is rejected with. Tests state behaviour as facts, never as internal state.
 *
 *   decider(bookingDecider).given([created]).when(reserve).then([reserved]);
 *   decider(bookingDecider).given([created]).when(reserveTooMuch).thenRejects('AMOUNT_EXCEEDS_BALANCE');
 */
export type DeciderThen<E> = Readonly<{
  /** Asserts the exact events, and that they evolve cleanly on top of the given ones. */
  then: (expected: readonly E[]) => void;
  /** Asserts a `DomainError` with this code and, when given, details containing these entries. */
  thenRejects: (code: DomainErrorCode, details?: Readonly<Record<string, unknown>>) => DomainError;
}>;

export type DeciderWhen<C, E> = Readonly<{ when: (command: C) => DeciderThen<E> }>;

export type DeciderSpec<C, E> = Readonly<{ given: (events?: readonly E[]) => DeciderWhen<C, E> }>;

/** Folds events into the decider's state, as the application does when it loads a stream. */
export function stateAfter<C, E, S>(d: Decider<C, E, S>, events: readonly E[]): S {
  return foldEvents(d, events);
}

function decide<C, E, S>(d: Decider<C, E, S>, given: readonly E[], command: C): E[] {
  return d.decide(command, stateAfter(d, given));
}

export function decider<C, E, S>(d: Decider<C, E, S>): DeciderSpec<C, E> {
  return {
    given: (given: readonly E[] = []) => ({
      when: (command: C) => ({
        then: (expected: readonly E[]) => {
          // `then` makes the object look like a promise; awaiting it would call us with callbacks.
          if (typeof expected === 'function')
            throw new TypeError('a decider spec is not awaitable: call .then(events)');
          const actual = decide(d, given, command);
          expect(actual).toStrictEqual(expected);
          stateAfter(d, [...given, ...actual]);
        },
        thenRejects: (code: DomainErrorCode, details?: Readonly<Record<string, unknown>>) => {
          let decided: E[] | undefined;
          try {
            decided = decide(d, given, command);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            expect({ code: error.code, message: error.message }).toMatchObject({ code });
            if (details !== undefined) expect(error.details).toMatchObject(details);
            return error;
          }
          throw new Error(`expected a rejection with ${code}, but decided ${JSON.stringify(decided)}`);
        },
      }),
    }),
  };
}
