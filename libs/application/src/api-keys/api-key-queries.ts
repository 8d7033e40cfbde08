/**
 * What an administrator may know of a tenant's API keys: id, role, label, when it was made and
 * whether (and when) it was revoked. Never the hash of the secret, which stays in the log.
 *
 * Keys have no read model: one key is its stream, and a tenant's keys are found by reading the
 * log's key events (the store filters them by type) and keeping the tenant's. Key events are few
 * next to money events, so this costs one filtered scan per listing; a key index (a projection)
 * is the step to take if listings become frequent or tenants many thousands.
 */
import { Query, QueryHandler } from '@nestjs/cqrs';
import type { IQueryHandler } from '@nestjs/cqrs';
import { DomainError, apiKeyStreamName } from '@ledger/domain';
import type { ApiKeyEvent, ApiKeyRole } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import type { Position, RecordedEvent } from '@ledger/event-store';
import { isApiKeyId } from './api-key-secrets.js';

export type ApiKeyStatus = 'ACTIVE' | 'REVOKED';

export interface ApiKeyView {
  readonly keyId: string;
  readonly tenantId: string;
  readonly role: ApiKeyRole;
  readonly label: string | null;
  /** ISO-8601 instants at which the key was created and revoked. */
  readonly createdAt: string;
  readonly status: ApiKeyStatus;
  readonly revokedAt: string | null;
}

export interface ApiKeyPage {
  /** Newest key first; each cursor can be passed as `after` for the keys that follow it. */
  readonly edges: readonly { readonly cursor: string; readonly node: ApiKeyView }[];
  readonly hasNextPage: boolean;
}

export const MAX_API_KEY_PAGE = 1000;
const KEY_EVENT_TYPES = ['ApiKeyCreated', 'ApiKeyRevoked'];
const SCAN_PAGE = 1000;
const CURSOR_PREFIX = 'apikey:';

/** A tenant's keys, a page at a time (default 20, at most 1,000). */
export class ListApiKeysQuery extends Query<ApiKeyPage> {
  constructor(
    readonly tenant: string,
    readonly page: { readonly first?: number | null; readonly after?: string | null } = {},
  ) {
    super();
  }
}

/** One key of the tenant; a key of another tenant is NOT_FOUND, exactly like a missing one. */
export class GetApiKeyQuery extends Query<ApiKeyView> {
  constructor(
    readonly tenant: string,
    readonly keyId: string,
  ) {
    super();
  }
}

function occurredAt(event: RecordedEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' ? at : event.recordedAt.toISOString();
}

/** Folds one recorded key event into the view; the secret's hash is left behind on purpose. */
export function evolveApiKeyView(view: ApiKeyView | undefined, event: RecordedEvent): ApiKeyView | undefined {
  switch (event.type) {
    case 'ApiKeyCreated': {
      const { keyId, tenantId, role, label } = event.data as Extract<ApiKeyEvent, { type: 'ApiKeyCreated' }>['data'];
      return { keyId, tenantId, role, label: label ?? null, createdAt: occurredAt(event), status: 'ACTIVE', revokedAt: null };
    }
    case 'ApiKeyRevoked':
      return view && { ...view, status: 'REVOKED', revokedAt: occurredAt(event) };
    default:
      return view;
  }
}

function notFound(keyId: string): DomainError {
  return new DomainError('NOT_FOUND', `API key ${keyId} does not exist`, { keyId });
}

export function encodeApiKeyCursor(position: Position): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`, 'utf8').toString('base64url');
}

function decodeApiKeyCursor(cursor: string): Position {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || text.length === CURSOR_PREFIX.length) {
    throw new DomainError('VALIDATION_FAILED', 'after must be the endCursor of an earlier page', { field: 'after' });
  }
  return text.slice(CURSOR_PREFIX.length) as Position;
}

@QueryHandler(GetApiKeyQuery)
export class GetApiKeyHandler implements IQueryHandler<GetApiKeyQuery, ApiKeyView> {
  constructor(private readonly store: EventStore) {}

  async execute({ tenant, keyId }: GetApiKeyQuery): Promise<ApiKeyView> {
    if (!isApiKeyId(keyId)) throw notFound(keyId);
    const events = await this.store.readStream(apiKeyStreamName(keyId));
    if (events[0]?.metadata.tenant !== tenant) throw notFound(keyId);
    const view = events.reduce(evolveApiKeyView, undefined);
    if (!view) throw notFound(keyId);
    return view;
  }
}

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery, ApiKeyPage> {
  constructor(private readonly store: EventStore) {}

  async execute({ tenant, page }: ListApiKeysQuery): Promise<ApiKeyPage> {
    const first = page.first ?? 20;
    if (!Number.isSafeInteger(first) || first < 1 || first > MAX_API_KEY_PAGE) {
      throw new DomainError('VALIDATION_FAILED', `first must be between 1 and ${MAX_API_KEY_PAGE}`, { field: 'first' });
    }
    const before = page.after ? decodeApiKeyCursor(page.after) : undefined;
    const keys = (await this.tenantKeys(tenant)).filter((key) => before === undefined || key.position < before);
    const edges = keys.slice(0, first).map((key) => ({ cursor: encodeApiKeyCursor(key.position), node: key.view }));
    return { edges, hasNextPage: keys.length > first };
  }

  /** Every key of the tenant with the position of its creation, newest first. */
  private async tenantKeys(tenant: string): Promise<{ position: Position; view: ApiKeyView }[]> {
    const keys = new Map<string, { position: Position; view: ApiKeyView }>();
    for (let after: Position | undefined; ;) {
      const events = await this.store.readAll({ filter: { eventTypes: KEY_EVENT_TYPES }, maxCount: SCAN_PAGE, ...(after ? { after } : {}) });
      for (const event of events) {
        // The log is shared by all tenants; only this tenant's key events count.
        if (event.metadata.tenant !== tenant) continue;
        const keyId = (event.data as { keyId: string }).keyId;
        const known = keys.get(keyId);
        const view = evolveApiKeyView(known?.view, event);
        if (view) keys.set(keyId, { position: known?.position ?? event.position, view });
      }
      if (events.length < SCAN_PAGE) break;
      after = events[events.length - 1]!.position;
    }
    return [...keys.values()].sort((a, b) => (a.position < b.position ? 1 : a.position > b.position ? -1 : 0));
  }
}

export const apiKeyQueryHandlers = [GetApiKeyHandler, ListApiKeysHandler];
