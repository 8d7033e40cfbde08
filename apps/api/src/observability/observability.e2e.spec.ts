// Goal: operators see requests, GraphQL outcomes, projection lag and retries, and the state and
// reconnects of every subscription to the log at /metrics, and request logs are JSON lines with a
// request id and without secrets.
// Method: the embedded API over HTTP; the request logger is pointed at a buffer.
import { PassThrough } from 'node:stream';
import express from 'express';
import { startTestApi } from '../testing/test-api.js';
import type { TestApi } from '../testing/test-api.js';
import { createTenantWithKey, graphql } from '../testing/graphql-client.js';
import { requestLogging } from './request-logging.js';
import { maskPath, routeLabel } from './request-path.js';

describe('metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api.close();
  });

  it('counts requests and GraphQL outcomes, and reports each projection, its lag, and each subscription to the log', async () => {
    const key = await createTenantWithKey(api, 'metrics');
    await graphql(api, key, '{ paymentSettings { currency } }');
    await graphql(api, key, '{ booking(id: "nope") { id } }');
    const res = await fetch(`${api.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/ledger_graphql_operations_total\{type="query",name="paymentSettings",outcome="ok"\} 1/);
    expect(text).toMatch(/ledger_graphql_operations_total\{type="query",name="booking",outcome="NOT_FOUND"\} 1/);
    expect(text).toMatch(/ledger_http_requests_total\{method="POST",route="\/graphql",status="200"\} \d+/);
    expect(text).toMatch(/ledger_projection_up\{projection="booking-balance"\} 1/);
    expect(text).toMatch(/ledger_projection_lag_seconds\{projection="payment-history"\} [\d.]+/);
    expect(text).toMatch(/ledger_projection_retries\{projection="booking-balance"\} 0/);
    for (const consumer of ['projector', 'process-manager:payment-automation', 'api-key-revocations']) {
      expect(text).toMatch(new RegExp(`ledger_event_subscription_state\\{consumer="${consumer}",state="live"\\} 1`));
      expect(text).toMatch(new RegExp(`ledger_event_subscription_state\\{consumer="${consumer}",state="failed"\\} 0`));
      expect(text).toMatch(new RegExp(`ledger_event_subscription_reconnects_total\\{consumer="${consumer}"\\} 0`));
    }
    expect(text).toContain('ledger_process_cpu_seconds_total');
  });

  it('does not name its framework in answers', async () => {
    for (const path of ['/health/live', '/pay/unknown-token', '/graphql']) {
      const res = await fetch(`${api.url}${path}`);
      await res.arrayBuffer();
      expect([path, res.headers.get('x-powered-by')]).toEqual([path, null]);
    }
  });
});

describe('request logs', () => {
  it('masks pay and card tokens wherever the router would find them, and drops query strings', () => {
    expect(maskPath('/pay/abc.def-123/done?x=1')).toBe('/pay/[token]/done');
    expect(maskPath('/card/secret')).toBe('/card/[token]');
    expect(maskPath('/graphql')).toBe('/graphql');
    // The router ignores case and empty segments, so the log must too.
    for (const url of ['/PAY/secret', '/Pay/secret/done', '/CARD/secret', '//pay/secret', '/pay//secret', '/%70ay/secret', '/pay/secret#x']) {
      expect([url, maskPath(url)]).toEqual([url, expect.stringMatching(/^\/(pay|card)\/\[token\](\/done)?$/)]);
    }
    expect(maskPath('/graphql?access_token=lk_0123456789abcdef_secret')).toBe('/graphql');
    expect(maskPath('/graphql/lk_0123456789abcdef_secret')).toBe('/graphql/[key]');
  });

  it('labels metrics by route, never by token or made-up path', () => {
    expect(routeLabel('/PAY/secret/done')).toBe('/pay/:token/done');
    expect(routeLabel('//card//secret')).toBe('/card/:token');
    expect(routeLabel('/graphql?x=1')).toBe('/graphql');
    expect(routeLabel('/made/up/path')).toBe('other');
    expect(routeLabel('/graphql-ide/graphiql.js')).toBe('static');
  });

  it('writes one JSON line per request with its id, and no authorization header or token', async () => {
    const lines: string[] = [];
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').trim().split('\n')));
    const app = express();
    app.use(requestLogging({ level: 'info', destination: sink }));
    app.get('/pay/:token', (_req, res) => {
      res.status(404).send('gone');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/pay/tok_secret123`, { headers: { authorization: 'Bearer lk_secret', 'x-request-id': 'req-42' } });
    await res.text();
    for (const path of ['/PAY/tok_secret123', '//pay/tok_secret123', '/pay//tok_secret123', '/graphql?access_token=lk_secret']) {
      await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    }
    expect(res.headers.get('x-request-id')).toBe('req-42');
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const entry = JSON.parse(lines.find((line) => line.includes('req-42'))!) as { req: { id: string; url: string }; res: { statusCode: number }; level: number };
    expect(entry.req).toEqual({ id: 'req-42', method: 'GET', url: '/pay/[token]' });
    expect(entry.res.statusCode).toBe(404);
    expect(lines.join('\n')).not.toMatch(/lk_secret|tok_secret123/);
  });
});
