/** The API process: in embedded mode it carries everything (store, projector, pages). */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { LedgerApplicationModule, processManagerHosting } from '@ledger/application';
import { PeriodicJobs } from './background/periodic-jobs.js';
import { HealthController } from './health/health.controller.js';
import { PagesModule } from './pages/pages.module.js';
import { ReadSideModule } from './read-side.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { GraphQLApiModule } from './graphql/graphql-api.module.js';
import { ObservabilityModule } from './observability/observability.module.js';

@Module({})
export class AppModule {
  static forRoot(config: Configuration): DynamicModule {
    return {
      module: AppModule,
      imports: [LedgerApplicationModule.forRoot(config), ReadSideModule.forRoot(config), ObservabilityModule, GraphQLApiModule.forRoot(config), PagesModule.forRoot(config), WebhooksModule.forRoot(config)],
      controllers: [HealthController],
      // Only the API process reacts to events in embedded mode: automation and notifications.
      providers: [PeriodicJobs, ...processManagerHosting],
    };
  }
}
