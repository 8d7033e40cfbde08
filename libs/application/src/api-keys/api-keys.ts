/**
 * API keys for the dashboard API: the commands that create and revoke them. How a key is shaped
 * and checked lives in api-key-secrets.ts and api-key-authenticator.ts, what may be read of keys
 * in api-key-queries.ts; this module gathers them for the rest of the ledger.
 */
import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { DomainError, apiKeyDecider, apiKeyStreamName, streamName, tenantDecider } from '@ledger/domain';
import type { Actor, ApiKeyRole } from '@ledger/domain';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { TENANT_ADMIN_ACTOR } from '../commands/tenant.commands.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { apiKeyQueryHandlers } from './api-key-queries.js';
import { generateApiKey, hashApiKey, isApiKeyId } from './api-key-secrets.js';

export { generateApiKey, hashApiKey, isApiKeyId } from './api-key-secrets.js';
export * from './api-key-authenticator.js';
export * from './api-key-queries.js';
export { DEFAULT_REVOCATION_FEED_OPTIONS } from './revocation-feed.js';
export type { FeedLogger, RevocationFeedOptions } from './revocation-feed.js';

export interface CreatedApiKey {
  readonly keyId: string;
  /** Shown once; the ledger keeps only its hash. */
  readonly key: string;
  readonly tenantId: string;
  readonly role: ApiKeyRole;
}

export class CreateApiKeyCommand extends Command<CreatedApiKey> {
  constructor(
    readonly input: {
      readonly tenantId: string;
      readonly role: string;
      readonly label?: string;
    },
    readonly actor: Actor = TENANT_ADMIN_ACTOR,
  ) {
    super();
  }
}

export interface RevokedApiKey {
  readonly keyId: string;
  /** True when the key was revoked before: nothing was recorded this time. */
  readonly alreadyRevoked: boolean;
}

/**
 * Revokes a key of the tenant; revoking the key that sends the command is allowed. A key of
 * another tenant, or none, is NOT_FOUND; revoking twice records nothing the second time.
 */
export class RevokeApiKeyCommand extends Command<RevokedApiKey> {
  constructor(
    readonly input: { readonly tenantId: string; readonly keyId: string },
    readonly actor: Actor = TENANT_ADMIN_ACTOR,
  ) {
    super();
  }
}

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand, CreatedApiKey> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
  ) {}

  async execute({ input, actor }: CreateApiKeyCommand): Promise<CreatedApiKey> {
    const { state: tenant } = await this.runner.load(streamName.tenant(input.tenantId), tenantDecider);
    if (tenant.status === 'NONE') throw new DomainError('NOT_FOUND', `Tenant ${input.tenantId} does not exist`, { tenantId: input.tenantId });
    const { keyId, key } = generateApiKey();
    const context = this.contexts.create(keyId, input.tenantId, actor);
    const data = {
      keyId,
      tenantId: input.tenantId,
      role: input.role,
      secretHash: hashApiKey(key),
      ...(input.label ? { label: input.label } : {}),
    };
    const { state } = await this.runner.decide(apiKeyStreamName(keyId), apiKeyDecider, { type: 'CreateApiKey', data, context });
    if (state.status === 'NONE') throw new Error('the key was not recorded');
    return { keyId, key, tenantId: input.tenantId, role: state.role };
  }
}

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, RevokedApiKey> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly keys: ApiKeyAuthenticator,
  ) {}

  async execute({ input, actor }: RevokeApiKeyCommand): Promise<RevokedApiKey> {
    // An id that cannot be a key's names no stream worth reading; it is as unknown as any other.
    if (!isApiKeyId(input.keyId)) throw new DomainError('NOT_FOUND', 'no such API key', { keyId: input.keyId });
    const context = this.contexts.create(`revoke-${input.keyId}`, input.tenantId, actor);
    const { events } = await this.runner.decide(apiKeyStreamName(input.keyId), apiKeyDecider, {
      type: 'RevokeApiKey',
      data: { keyId: input.keyId },
      context,
    });
    // This process refuses the key at once; the others learn of it from the log (revocation-feed.ts).
    this.keys.refuse(input.keyId);
    return { keyId: input.keyId, alreadyRevoked: events.length === 0 };
  }
}

/** The key commands and queries, registered with the write side's handlers. */
export const apiKeyHandlers = [CreateApiKeyHandler, RevokeApiKeyHandler, ...apiKeyQueryHandlers];
