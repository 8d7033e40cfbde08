/**
 * Who is calling and what they may do. The bearer key is checked once per request, when the
 * GraphQL context is built; every operation then names the roles allowed to run it, and an
 * operation without a `@Roles` declaration is refused (fail closed), so a new resolver cannot
 * be public by accident.
 */
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import type { ApiKeyRole } from '@ledger/domain';
import type { ApiKeyAuthenticator, Caller, Principal } from '@ledger/application';

export interface GraphQLContext {
  readonly req: Request;
  readonly principal: Principal;
}

const ROLES = 'ledger:roles';

/** The roles that may run an operation or read a field. */
export const Roles = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

export const READERS: ApiKeyRole[] = ['ADMIN', 'STAFF', 'AUDITOR'];
export const OPERATORS: ApiKeyRole[] = ['ADMIN', 'STAFF'];
export const REPORT_READERS: ApiKeyRole[] = ['ADMIN', 'STAFF', 'AUDITOR', 'REPORTER'];

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match?.[1];
}

/** Builds the GraphQL context; a missing or wrong key ends the request with 401. */
export async function authenticatedContext(req: Request, keys: ApiKeyAuthenticator): Promise<GraphQLContext> {
  const key = bearer(req);
  const principal = key === undefined ? undefined : await keys.authenticate(key);
  if (!principal) {
    const message = key === undefined ? 'Send an API key: Authorization: Bearer <key>' : 'The API key is not valid or was revoked';
    throw new GraphQLError(message, {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  return { req, principal };
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<ApiKeyRole[] | undefined>(ROLES, [context.getHandler(), context.getClass()]);
    const { principal } = GqlExecutionContext.create(context).getContext<GraphQLContext>();
    if (!principal) throw new UnauthorizedException('Send an API key: Authorization: Bearer <key>');
    if (!roles) throw new ForbiddenException('This operation declares no roles and is refused');
    if (!roles.includes(principal.role)) throw new ForbiddenException(`A ${principal.role} key may not do this; allowed: ${roles.join(', ')}`);
    return true;
  }
}

/** The caller's principal, in a resolver. */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  return GqlExecutionContext.create(context).getContext<GraphQLContext>().principal;
});

export function callerOf(principal: Principal): Caller {
  return { tenant: principal.tenant, actor: principal.actor };
}
