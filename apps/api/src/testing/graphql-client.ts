/** A tiny GraphQL client for e2e tests: real HTTP, the API key as a bearer token. */
import { CommandBus } from '@nestjs/cqrs';
import { CreateApiKeyCommand, CreateTenantCommand } from '@ledger/application';
import type { ApiKeyRole } from '@ledger/domain';
import type { TestApi } from './test-api.js';

// Tests walk response trees of any shape; asserting on them is what checks the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export interface GraphQLResponse<D = Json> {
  readonly status: number;
  readonly data?: D | null;
  readonly errors?: {
    message: string;
    extensions?: { code?: string; [key: string]: unknown };
    path?: string[];
  }[];
}

export async function graphql<D = Json>(
  api: Pick<TestApi, 'url'>,
  key: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<D>> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<D>, 'status'>;
  return { status: response.status, ...body };
}

/** The codes of the errors in a response, in order. */
export function codesOf(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}

/** A business with a key of the given role, made through the same commands the CLI sends. */
export async function createTenantWithKey(api: TestApi, tenantId: string, role: ApiKeyRole = 'ADMIN', currency = 'CAD'): Promise<string> {
  const bus = api.app.get(CommandBus);
  await bus.execute(
    new CreateTenantCommand({
      tenantId,
      name: `${tenantId} services`,
      currency,
      timeZone: 'America/Toronto',
    }),
  );
  return (await bus.execute(new CreateApiKeyCommand({ tenantId, role }))).key;
}

export async function keyFor(api: TestApi, tenantId: string, role: ApiKeyRole): Promise<string> {
  return (await api.app.get(CommandBus).execute(new CreateApiKeyCommand({ tenantId, role }))).key;
}
