/**
 * Who asked for a decision. Audits must tell a staff member's API key from a customer on a
 * payment page, a processor webhook or an automation, so the kind is recorded next to the id.
 */
export type ActorKind = 'API_KEY' | 'CUSTOMER' | 'PROCESSOR' | 'SYSTEM';

export type Actor = Readonly<{ kind: ActorKind; id: string }>;

const actorKinds: readonly ActorKind[] = ['API_KEY', 'CUSTOMER', 'PROCESSOR', 'SYSTEM'];

/**
 * Metadata stores the actor as one `KIND:id` string: stores index and filter flat strings,
 * and an auditor reads `PROCESSOR:evt_123` without a schema.
 */
export function formatActor(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

/** The inverse of `formatActor`; ids may themselves contain colons. */
export function parseActor(text: string): Actor {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as ActorKind;
  if (colon <= 0 || !actorKinds.includes(kind)) throw new Error(`not an actor: ${text}`);
  return { kind, id: text.slice(colon + 1) };
}

/**
 * Everything a decision needs from the outside world. The domain has no clock and no id
 * generator, so `now` and every id arrive here or in the command data; that keeps decisions
 * replayable and tests deterministic.
 */
export type CommandContext = Readonly<{
  commandId: string;
  tenant: string;
  actor: Actor;
  /** ISO-8601 instant at which the command is decided. */
  now: string;
  /** The first command of a chain; defaults to `commandId`. */
  correlationId?: string;
  /** The message that directly caused this command; defaults to `commandId`. */
  causationId?: string;
}>;

/** Stored beside every event, never inside its data, so event data stays pure business facts. */
export type EventMetadata = Readonly<{
  commandId: string;
  correlationId: string;
  causationId: string;
  /** `formatActor(context.actor)`, for example `API_KEY:key_1`. */
  actor: string;
  tenant: string;
  occurredAt: string;
}>;

/**
 * Derives the metadata for events decided from a command. A command that starts a chain is
 * its own correlation and causation, which lets audits walk any chain back to its origin.
 */
export function eventMetadataFor(context: CommandContext): EventMetadata {
  return {
    commandId: context.commandId,
    correlationId: context.correlationId ?? context.commandId,
    causationId: context.causationId ?? context.commandId,
    actor: formatActor(context.actor),
    tenant: context.tenant,
    occurredAt: context.now,
  };
}
