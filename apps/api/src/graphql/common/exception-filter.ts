/**
 * What a resolver throws goes to Apollo untouched, to be given its code by `formatGraphQLError`
 * (the one place that maps errors to codes, and logs them: expected rejections at info, the
 * unexpected at ERROR). Without this filter Nest's own handler would log every rejection, a
 * client's NOT_FOUND included, at ERROR with a stack trace first. HTTP routes keep Nest's
 * default handling.
 */
import { Catch } from '@nestjs/common';
import type { ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';

@Catch()
export class GraphQLExceptionFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    // Rethrown, not returned: the field then fails as it would have, and plugins that watch
    // fields (the operation metrics) see the error rather than a value.
    if (host.getType<GqlContextType>() === 'graphql') throw exception;
    return super.catch(exception, host);
  }
}
