/**
 * One structured JSON line per HTTP request (pino-http), with a request id taken from
 * `X-Request-Id` or made up, echoed in the response so a dashboard error can be found in the
 * logs. Nothing secret is logged: no Authorization header, no bodies (card tokens, e-mails), no
 * query strings, and the pay/add-card tokens and anything shaped like an API key in paths are
 * masked (see request-path.ts).
 */
import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { pino } from 'pino';
import { maskPath } from './request-path.js';

export function requestLogging(options: { level: string; destination?: NodeJS.WritableStream }): RequestHandler {
  const logger = pino({ level: options.level, base: { service: 'ledger-api' } }, options.destination ?? process.stdout);
  return pinoHttp({
    logger,
    genReqId(req, res) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/metrics' },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: maskPath(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  }) as RequestHandler;
}
