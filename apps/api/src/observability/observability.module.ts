/** Metrics and request logs for the API process. */
import { Global, Module } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import { HttpMetricsMiddleware, LedgerMetrics, MetricsController } from './metrics.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [LedgerMetrics, HttpMetricsMiddleware],
  exports: [LedgerMetrics],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
