/**
 * API keys for the dashboard API. A key reads `lk_<keyId>_<secret>`: the key id finds its
 * stream without an index, and the secret (32 random bytes) is compared by hash in constant
 * time. The full key exists only in the answer to the command that created it.
 */
import { Command, CommandHandler } from '@nestjs/cqrs';
import type { ICommandHandler } from '@nestjs/cqrs';
import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, apiKeyDecider, apiKeyStreamName, foldEvents, streamName, tenantDecider } from '@ledger/domain';
import type { Actor, ApiKeyEvent, ApiKeyRole } from '@ledger/domain';
import { EventStore } from '@ledger/event-store';
import { Clock } from '../clock.port.js';
import { CommandContexts } from '../command-contexts.js';
import { DecisionRunner } from '../decision-runner.js';
import { TENANT_ADMIN_ACTOR } from '../commands/tenant.commands.js';

const KEY_PATTERN = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key: its id (public, names the stream) and the whole secret string. */
export function generateApiKey(): { keyId: string; key: string } {
  const keyId = randomBytes(8).toString('hex');
  return { keyId, key: `lk_${keyId}_${randomBytes(32).toString('base64url')}` };
}

/** Who is calling, once the key checked out. */
export interface Principal {
  readonly tenant: string;
  readonly role: ApiKeyRole;
  readonly keyId: string;
  readonly actor: Actor;
}

/**
 * Checks bearer keys. A valid key is remembered for a short time so that a busy dashboard does
 * not read its stream on every request; revocation in this process takes effect at once, in
 * other processes within `CACHE_MS`.
 */
@Injectable()
export class ApiKeyAuthenticator {
  static readonly CACHE_MS = 30_000;
  private static readonly MAX_CACHED = 10_000;
  private readonly cache = new Map<string, { principal: Principal; hash: string; until: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

  async authenticate(key: string): Promise<Principal | undefined> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return undefined;
    const keyId = match[1]!;
    const hash = hashApiKey(key);
    const now = this.clock.now().getTime();
    const cached = this.cache.get(keyId);
    if (cached && cached.until > now) return sameHash(cached.hash, hash) ? cached.principal : undefined;
    const events = (await this.store.readStream(apiKeyStreamName(keyId))) as unknown as ApiKeyEvent[];
    const state = foldEvents(
      apiKeyDecider,
      events.map(({ type, data }) => ({ type, data }) as ApiKeyEvent),
    );
    if (state.status !== 'ACTIVE' || !sameHash(state.secretHash, hash)) return undefined;
    const principal: Principal = {
      tenant: state.tenantId,
      role: state.role,
      keyId,
      actor: { kind: 'API_KEY', id: keyId },
    };
    if (this.cache.size >= ApiKeyAuthenticator.MAX_CACHED) this.cache.clear();
    this.cache.set(keyId, {
      principal,
      hash: state.secretHash,
      until: now + ApiKeyAuthenticator.CACHE_MS,
    });
    return principal;
  }

  forget(keyId: string): void {
    this.cache.delete(keyId);
  }
}

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

export class RevokeApiKeyCommand extends Command<{ keyId: string }> {
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
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand, { keyId: string }> {
  constructor(
    private readonly runner: DecisionRunner,
    private readonly contexts: CommandContexts,
    private readonly keys: ApiKeyAuthenticator,
  ) {}

  async execute({ input, actor }: RevokeApiKeyCommand): Promise<{ keyId: string }> {
    const context = this.contexts.create(`revoke-${input.keyId}`, input.tenantId, actor);
    await this.runner.decide(apiKeyStreamName(input.keyId), apiKeyDecider, {
      type: 'RevokeApiKey',
      data: { keyId: input.keyId },
      context,
    });
    this.keys.forget(input.keyId);
    return { keyId: input.keyId };
  }
}

function sameHash(left: string, right: string): boolean {
  const a = Buffer.from(left, 'hex');
  const b = Buffer.from(right, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export const apiKeyHandlers = [CreateApiKeyHandler, RevokeApiKeyHandler];
