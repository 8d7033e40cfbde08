/**
 * A per-key rate limit: a dashboard left polling, or a leaked key in a loop, must not starve
 * the other businesses on the server. Counted per API key, in this process, by
 * rate-limiter-flexible (@nestjs/throttler is CommonJS requiring Nest's ES modules, which Node
 * 20 cannot load).
 */
import { Injectable } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { GraphQLContext } from './auth.js';

@Injectable()
export class RateLimits {
  /** Requests per key per minute; generous for a dashboard, tight for a runaway script. */
  readonly limit = Number(process.env.API_RATE_LIMIT_PER_MINUTE ?? 1_200);
  private readonly limiter = new RateLimiterMemory({
    points: this.limit,
    duration: 60,
  });

  /** Undefined when allowed; otherwise the seconds to wait. */
  async retryAfter(keyId: string): Promise<number | undefined> {
    try {
      await this.limiter.consume(keyId);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}

export function rateLimitPlugin(limits: RateLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: async ({ contextValue }) => {
      const retryAfter = await limits.retryAfter(contextValue.principal.keyId);
      if (retryAfter !== undefined) {
        throw new GraphQLError(`Rate limit of ${limits.limit} requests per minute reached for this API key; retry in ${retryAfter} s`, {
          extensions: {
            code: 'RATE_LIMITED',
            http: {
              status: 429,
              headers: new Map([['retry-after', String(retryAfter)]]),
            },
          },
        });
      }
      return undefined;
    },
  };
}
