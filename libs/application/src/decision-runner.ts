/**
 * The one way a command changes a stream: load the stream, fold it into state, decide, append
 * the new events at the revision that was read. A concurrent writer makes the append fail with a
 * conflict; the runner then re-reads and decides again, a bounded number of times, so a rule
 * such as "never take more than the balance" is checked against the state that is written to.
 */
import { Injectable } from '@nestjs/common';
import pRetry from 'p-retry';
import { EventStore, WrongExpectedRevisionError } from '@ledger/event-store';
import type { ExpectedRevision, NewEvent, Position } from '@ledger/event-store';
import { DomainError, eventMetadataFor, foldEvents } from '@ledger/domain';
import type { CommandContext, Decider } from '@ledger/domain';
import { deriveId } from './ids.js';

interface DomainEventShape {
  readonly type: string;
  readonly data: object;
}

export interface Loaded<S> {
  readonly state: S;
  readonly revision: ExpectedRevision;
}

export interface Decided<S, E> extends Loaded<S> {
  /** The events this command appended; empty when it was already carried out. */
  readonly events: readonly E[];
  /** Position of the last event appended, for read-your-writes; undefined when nothing was appended. */
  readonly position: Position | undefined;
}

export const MAX_DECISION_ATTEMPTS = 8;

@Injectable()
export class DecisionRunner {
  constructor(readonly store: EventStore) {}

  /**
   * Loads a stream as state. With a tenant, a stream another tenant wrote reads as if absent to
   * deciding and is refused outright, so no command of one business can touch another's data.
   */
  async load<S, E>(
    streamName: string,
    decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>,
    tenant?: string,
  ): Promise<Loaded<S>> {
    const recorded = await this.store.readStream(streamName);
    if (tenant !== undefined && recorded.length > 0 && recorded[0]!.metadata.tenant !== tenant) {
      throw new DomainError('NOT_FOUND', `${streamName} does not exist`, { stream: streamName });
    }
    const events = recorded.map((event) => ({ type: event.type, data: event.data }) as E);
    return { state: foldEvents(decider, events), revision: recorded.length === 0 ? 'no_stream' : recorded[recorded.length - 1]!.revision };
  }

  async decide<C extends { readonly context: CommandContext }, E extends DomainEventShape, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
  ): Promise<Decided<S, E>> {
    return pRetry(() => this.attempt(streamName, decider, command), {
      retries: MAX_DECISION_ATTEMPTS - 1,
      minTimeout: 1,
      maxTimeout: 50,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof WrongExpectedRevisionError,
    });
  }

  private async attempt<C extends { readonly context: CommandContext }, E extends DomainEventShape, S>(
    streamName: string,
    decider: Decider<C, E, S>,
    command: C,
  ): Promise<Decided<S, E>> {
    const { state, revision } = await this.load(streamName, decider, command.context.tenant);
    // A rejection (a DomainError) is final; only a conflict is worth deciding again.
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, revision, events, position: undefined };
    const metadata = eventMetadataFor(command.context);
    const toAppend: NewEvent[] = events.map((event, index) => ({
      id: deriveId(command.context.commandId, streamName, String(index)),
      type: event.type,
      data: event.data,
      metadata,
    }));
    const result = await this.store.appendToStream(streamName, toAppend, { expectedRevision: revision });
    return { state: events.reduce(decider.evolve, state), revision: result.nextExpectedRevision, events, position: result.position };
  }
}
