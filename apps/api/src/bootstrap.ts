/**
 * Builds the HTTP application the same way for `main.ts` and for the e2e tests, so what the
 * tests exercise is what runs: raw request bodies kept for webhook signatures, a body size
 * limit, and shutdown hooks that let in-flight work finish.
 */
import { NestFactory } from '@nestjs/core';
import { ConsoleLogger } from '@nestjs/common';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Configuration } from '@ledger/config';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { withCorrelation } from '@ledger/application';
import { AppModule } from './app.module.js';
import { requestLogging } from './observability/request-logging.js';

/** Larger bodies are refused before parsing: no GraphQL request or Stripe event comes close. */
export const REQUEST_BODY_LIMIT = '256kb';

export interface ApiOptions {
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** Runs the rest of the request inside its correlation scope (the request id, see request-logging). */
function correlate(req: Request & { id?: unknown }, res: Response, next: NextFunction): void {
  const given = req.headers['x-request-id'];
  const id = typeof req.id === 'string' ? req.id : typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
  if (!res.hasHeader('x-request-id')) res.setHeader('x-request-id', id);
  withCorrelation(id, next);
}

export async function createApi(config: Configuration, options: ApiOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    // Stripe signs the exact bytes it sent; the webhook endpoint verifies them before parsing.
    rawBody: true,
    bodyParser: true,
    abortOnError: false,
    // Production logs are JSON lines like the request logs, for the log pipeline to parse.
    ...(options.logger === undefined ? (config.environment === 'production' ? { logger: new ConsoleLogger({ json: true }) } : {}) : { logger: options.logger }),
  });
  // Naming the framework in every answer only helps someone matching exploits to versions.
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: REQUEST_BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: REQUEST_BODY_LIMIT, extended: false });
  // Request logs go to stdout as JSON lines; tests pass logger: false and get none.
  if (options.logger !== false) app.use(requestLogging({ level: process.env.LOG_LEVEL ?? 'info' }));
  app.use(correlate);
  app.enableShutdownHooks();
  return app;
}
