/**
 * API keys: how dashboards, auditors and reporting jobs prove who they are. A key belongs to one
 * tenant and has one role. The secret is shown once when the key is created; the ledger records
 * only its SHA-256 hash (keys are long random strings, so a fast hash is enough), and a revoked
 * key never works again.
 */
import { type Command, type Decider, type Event, invariant, unreachable } from '../shared/decider.js';
import { DomainError } from '../shared/domain-error.js';
import { requireOneOf, requirePattern, requireText, requireWrittenText } from '../shared/validation.js';

export const apiKeyRoles = ['ADMIN', 'STAFF', 'AUDITOR', 'REPORTER'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

export type ApiKeyCreated = Event<
  'ApiKeyCreated',
  {
    keyId: string;
    tenantId: string;
    role: ApiKeyRole;
    secretHash: string;
    label: string | null;
  }
>;
export type ApiKeyRevoked = Event<'ApiKeyRevoked', { keyId: string }>;
export type ApiKeyEvent = ApiKeyCreated | ApiKeyRevoked;

export type CreateApiKey = Command<
  'CreateApiKey',
  {
    keyId: string;
    tenantId: string;
    role: string;
    secretHash: string;
    label?: string;
  }
>;
export type RevokeApiKey = Command<'RevokeApiKey', { keyId: string }>;
export type ApiKeyCommand = CreateApiKey | RevokeApiKey;

export type ApiKey = Readonly<{
  keyId: string;
  tenantId: string;
  role: ApiKeyRole;
  secretHash: string;
  label: string | null;
}>;
export type ApiKeyState = Readonly<{ status: 'NONE' }> | (ApiKey & Readonly<{ status: 'ACTIVE' | 'REVOKED' }>);

export const initialApiKeyState: ApiKeyState = { status: 'NONE' };

/** Key streams live in a category of their own (no dash, see stream-name.ts). */
export function apiKeyStreamName(keyId: string): string {
  return `apikey-${requireText(keyId, 'keyId', 64)}`;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

function create(command: CreateApiKey, state: ApiKeyState): ApiKeyEvent[] {
  const { keyId, tenantId, secretHash } = command.data;
  if (state.status !== 'NONE') {
    if (state.secretHash === secretHash && state.tenantId === tenantId) return [];
    throw new DomainError('ALREADY_EXISTS', 'an API key with this id already exists', { keyId });
  }
  if (tenantId !== command.context.tenant) throw new DomainError('VALIDATION_FAILED', 'a key is created for the tenant of the command', { tenantId });
  const role = requireOneOf(command.data.role, apiKeyRoles, 'role');
  requirePattern(secretHash, HEX_SHA256, 'secretHash', 'a hex SHA-256 digest');
  const label = command.data.label === undefined ? null : requireWrittenText(command.data.label, 'label', 200);
  return [
    {
      type: 'ApiKeyCreated',
      data: {
        keyId: requireText(keyId, 'keyId', 64),
        tenantId,
        role,
        secretHash,
        label,
      },
    },
  ];
}

function revoke(command: RevokeApiKey, state: ApiKeyState): ApiKeyEvent[] {
  if (state.status === 'NONE' || state.tenantId !== command.context.tenant) {
    throw new DomainError('NOT_FOUND', 'no such API key', {
      keyId: command.data.keyId,
    });
  }
  return state.status === 'REVOKED' ? [] : [{ type: 'ApiKeyRevoked', data: { keyId: state.keyId } }];
}

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      return create(command, state);
    case 'RevokeApiKey':
      return revoke(command, state);
    default: {
      const _exhaustive: never = command;
      return unreachable(_exhaustive, 'API key command');
    }
  }
}

export function evolveApiKey(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyCreated':
      invariant(state.status === 'NONE', 'a key is created once');
      return { status: 'ACTIVE', ...event.data };
    case 'ApiKeyRevoked':
      invariant(state.status !== 'NONE', 'only an existing key is revoked');
      return { ...state, status: 'REVOKED' };
    default: {
      const _exhaustive: never = event;
      return unreachable(_exhaustive, 'API key event');
    }
  }
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = {
  initialState: initialApiKeyState,
  decide: decideApiKey,
  evolve: evolveApiKey,
};
