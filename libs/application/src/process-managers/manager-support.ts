/**
 * What every process manager needs from the event it reacts to: the tenant it belongs to, the
 * causal chain its own commands continue, and the tenant's settings as they were when the fact
 * happened, so a manager re-handling an old event decides as it would have then.
 */
import { DomainError, foldEvents, streamName, tenantDecider } from '@ledger/domain';
import type { Actor, Tenant, TenantEvent } from '@ledger/domain';
import { comparePositions, EventStore } from '@ledger/event-store';
import type { RecordedEvent } from '@ledger/event-store';

export function tenantOf(event: RecordedEvent): string {
  const tenant = event.metadata.tenant;
  if (typeof tenant !== 'string' || tenant === '') {
    throw new DomainError('VALIDATION_FAILED', `${event.type} ${event.id} carries no tenant in its metadata`, { eventId: event.id });
  }
  return tenant;
}

/** The manager's commands belong to the chain of the event that caused them. */
export function causeOf(event: RecordedEvent): { correlationId: string; causationId: string } {
  const correlationId = event.metadata.correlationId;
  return { correlationId: typeof correlationId === 'string' ? correlationId : event.id, causationId: event.id };
}

export function systemActor(manager: string): Actor {
  return { kind: 'SYSTEM', id: manager };
}

/** The tenant folded from its events up to and including the given position in the log. */
export async function tenantAsOf(store: EventStore, tenantId: string, event: RecordedEvent): Promise<Tenant> {
  const recorded = await store.readStream(streamName.tenant(tenantId));
  const own = recorded.length > 0 && recorded[0]!.metadata.tenant === tenantId;
  const events = own
    ? recorded.filter((e) => comparePositions(e.position, event.position) <= 0).map((e) => ({ type: e.type, data: e.data }) as TenantEvent)
    : [];
  const state = foldEvents(tenantDecider, events);
  if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `Tenant ${tenantId} does not exist`, { tenantId });
  return state;
}
