/**
 * Metrics and request logs for the API process. The subscriptions' health is provided here, once,
 * because both the metrics and the readiness check (AppModule's HealthController) read it, and
 * readings over time are what tell a subscription losing its server from one that came back.
 */
import { Global, Module } from '@nestjs/common';
import type { MiddlewareConsumer, NestModule } from '@nestjs/common';
import { SubscriptionHealth } from '../health/subscription-health.js';
import { HttpMetricsMiddleware, LedgerMetrics, MetricsController } from './metrics.js';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [LedgerMetrics, HttpMetricsMiddleware, SubscriptionHealth],
  exports: [LedgerMetrics, SubscriptionHealth],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
