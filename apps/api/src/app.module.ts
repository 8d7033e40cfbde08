/** The API process: in embedded mode it carries everything (store, projector, pages). */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import type { Configuration } from '@ledger/config';
import { EventStoreModule } from '@ledger/event-store';
import { HealthController } from './health/health.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: Configuration): DynamicModule {
    return {
      module: AppModule,
      imports: [EventStoreModule.forRoot(config)],
      controllers: [HealthController],
    };
  }
}
