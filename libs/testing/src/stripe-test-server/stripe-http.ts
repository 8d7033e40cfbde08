/**
 * The Stripe test server's HTTP plumbing: a request read and described as the rules see it, a
 * request passed on to stripe-mock, and an answer sent whole.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CannedAnswer, FaultRequest } from './stripe-fault-answers.js';

export interface Target {
  readonly host: string;
  readonly port: number;
}

/** An answer as sent, and (for an idempotency record) the parameters it was given for. */
export interface Answer {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly serverError?: boolean;
  readonly params?: string;
}

const json = { 'content-type': 'application/json' };

/** Passes a request on to stripe-mock as it came, and reads its answer whole. */
export function forward(target: Target, method: string, url: string, headers: IncomingMessage['headers'], body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const upstream = httpRequest({ host: target.host, port: target.port, method, path: url, headers }, (answer) => {
      readBody(answer).then((payload) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: payload }), reject);
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** stripe-mock's host and port from its URL. */
export function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80)) };
}

/** The request as a rule matches it and a reshape may read it. */
export function describeRequest(incoming: IncomingMessage, raw: Buffer): FaultRequest {
  const url = new URL(incoming.url ?? '/', 'http://stripe-test-server');
  const header = (name: string): string | undefined => {
    const value = incoming.headers[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const idempotencyKey = header('idempotency-key');
  const account = header('stripe-account');
  const stripeVersion = header('stripe-version');
  return {
    method: incoming.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    form: new URLSearchParams(raw.toString('utf8')),
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(account ? { account } : {}),
    ...(stripeVersion ? { stripeVersion } : {}),
  };
}

export function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export function jsonAnswer(status: number, body: unknown): Answer {
  return { status, headers: json, body: Buffer.from(JSON.stringify(body)) };
}

export function canned(answer: CannedAnswer): Answer {
  return { status: answer.status, headers: answer.headers, body: Buffer.from(JSON.stringify(answer.body)) };
}

/** Sends an answer whole: a length of its own, so stripe-mock's framing headers never disagree with a changed body. */
export function send(outgoing: ServerResponse, answer: Answer): void {
  if (outgoing.headersSent) return;
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = answer.headers;
  outgoing.writeHead(answer.status, { ...headers, 'content-length': answer.body.length.toString() });
  outgoing.end(answer.body);
}
