/** API keys for administrators: list them and revoke them. Creating keys stays with the CLI. */
import { UseGuards } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { GetApiKeyQuery, ListApiKeysQuery, RevokeApiKeyCommand } from '@ledger/application';
import type { ApiKeyView, Principal } from '@ledger/application';
import { CurrentPrincipal, Roles, RolesGuard } from '../common/auth.js';
import { PageArgs, connectionOf } from '../common/pagination.js';
import type { ConnectionShape } from '../common/pagination.js';
import { ApiKey, ApiKeyConnection, ApiKeyRole, ApiKeyStatus } from '../types/api-key.types.js';

function apiKeyOf(view: ApiKeyView): ApiKey {
  return {
    id: view.keyId,
    role: view.role as ApiKeyRole,
    label: view.label,
    createdAt: view.createdAt,
    status: view.status as ApiKeyStatus,
    revokedAt: view.revokedAt,
  };
}

@Resolver(() => ApiKey)
@UseGuards(RolesGuard)
export class ApiKeyResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Query(() => ApiKeyConnection, { description: "This business's API keys, newest first, revoked ones included." })
  @Roles('ADMIN')
  async apiKeys(@CurrentPrincipal() principal: Principal, @Args() page: PageArgs): Promise<ConnectionShape<ApiKey>> {
    const found = await this.queries.execute(new ListApiKeysQuery(principal.tenant, page));
    const edges = found.edges.map((edge) => ({ cursor: edge.cursor, node: apiKeyOf(edge.node) }));
    return connectionOf(edges, found.hasNextPage, page.after ?? undefined);
  }

  @Mutation(() => ApiKey, {
    description:
      'Revokes a key of this business: it is refused from the next request on, in every API process (see the README for the bound). Revoking the key this request is sent with is allowed, and that request is the last it may make. Revoking a revoked key changes nothing.',
  })
  @Roles('ADMIN')
  async revokeApiKey(@CurrentPrincipal() principal: Principal, @Args('keyId', { type: () => ID }) keyId: string): Promise<ApiKey> {
    await this.commands.execute(new RevokeApiKeyCommand({ tenantId: principal.tenant, keyId }, principal.actor));
    return apiKeyOf(await this.queries.execute(new GetApiKeyQuery(principal.tenant, keyId)));
  }
}
