/**
 * The dashboard API: GraphQL, code first, on Apollo Server 5. Keys are checked when the context
 * is built, inputs validated by class-validator, errors given stable codes, and requests limited
 * in depth, cost, size and rate. Introspection, the IDE and stack traces exist only outside
 * production.
 */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';
// Answers are per key and tenant: HTTP caching hints would never apply, so their per-field work is skipped.
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Request } from 'express';
import type { Configuration } from '@ledger/config';
import { ApiKeyAuthenticator } from '@ledger/application';
import { authenticatedContext } from './common/auth.js';
import { formatGraphQLError } from './common/errors.js';
import { InputPipe } from './common/input-pipe.js';
import { GraphQLExceptionFilter } from './common/exception-filter.js';
import { documentLimits, operationLimitsPlugin, parseOptions } from './common/limits.js';
import { IdeAssetsController, offlineIdePlugin } from './common/ide.js';
import { SafeInt } from './common/scalars.js';
import { RateLimits, rateLimitPlugin } from './common/rate-limit.js';
import { CustomerUrls } from './customer-urls.js';
import { LedgerMetrics, operationMetricsPlugin } from '../observability/metrics.js';
import { DashboardReads } from './dashboard-reads.js';
import { CONFIGURATION } from './graphql.tokens.js';
import { BookingResolver } from './resolvers/booking.resolver.js';
import { CustomerResolver } from './resolvers/customer.resolver.js';
import { PaymentLinkResolver } from './resolvers/payment-link.resolver.js';
import { PaymentResolver } from './resolvers/payment.resolver.js';
import { ReportResolver } from './resolvers/report.resolver.js';
import { SettingsResolver } from './resolvers/settings.resolver.js';
import { ApiKeyResolver } from './resolvers/api-key.resolver.js';

export const resolvers = [BookingResolver, CustomerResolver, PaymentResolver, PaymentLinkResolver, SettingsResolver, ReportResolver, ApiKeyResolver];

@Module({})
export class GraphQLApiModule {
  static forRoot(config: Configuration): DynamicModule {
    const production = config.environment === 'production';
    const limits = documentLimits(production);
    return {
      module: GraphQLApiModule,
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [ApiKeyAuthenticator, LedgerMetrics],
          useFactory: (keys: ApiKeyAuthenticator, metrics: LedgerMetrics) => ({
            autoSchemaFile: true,
            sortSchema: true,
            path: '/graphql',
            resolvers: { SafeInt },
            introspection: !production,
            includeStacktraceInErrorResponses: false,
            graphiql: false,
            allowBatchedHttpRequests: false,
            parseOptions,
            validationRules: limits.validationRules,
            plugins: [
              ...(production ? [] : [offlineIdePlugin()]),
              ...limits.plugins,
              operationLimitsPlugin(),
              rateLimitPlugin(new RateLimits()),
              operationMetricsPlugin(metrics),
              ApolloServerPluginCacheControlDisabled(),
            ],
            context: ({ req }: { req: Request }) => authenticatedContext(req, keys),
            formatError: formatGraphQLError,
          }),
        }),
      ],
      controllers: production ? [] : [IdeAssetsController],
      providers: [
        { provide: CONFIGURATION, useValue: config },
        { provide: APP_FILTER, useClass: GraphQLExceptionFilter },
        { provide: APP_PIPE, useValue: new InputPipe() },
        DashboardReads,
        CustomerUrls,
        ...resolvers,
      ],
    };
  }
}
