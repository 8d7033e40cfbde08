// The API process over HTTP on its embedded defaults: it starts on an empty data directory,
// answers liveness and readiness (its projections and its subscriptions to the log among the
// checks), and refuses to start on a data file that is not its own.
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '@ledger/config';
import { EventStoreUnavailableError } from '@ledger/event-store';
import { AppModule } from './app.module.js';

describe('API health on embedded defaults', () => {
  let dir: string;
  let app: INestApplication | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-api-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts on an empty data directory and answers live and ready', async () => {
    const config = loadConfiguration({ DATA_DIR: dir });
    app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
    await app.listen(0, '127.0.0.1');
    const base = await app.getUrl();
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: {
        eventStore: 'up',
        readModels: 'up',
        'projection:booking-balance': 'up',
        'subscription:projector': expect.stringMatching(/^(up|catching up)$/),
        'subscription:process-manager:payment-automation': expect.stringMatching(/^(up|catching up)$/),
      },
    });
  });

  it('refuses to start on a corrupt event store file, naming it', async () => {
    writeFileSync(join(dir, 'events.db'), 'not a ledger');
    const config = loadConfiguration({ DATA_DIR: dir });
    const attempt = NestFactory.create(AppModule.forRoot(config), { logger: false, abortOnError: false });
    await expect(attempt).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(NestFactory.create(AppModule.forRoot(config), { logger: false, abortOnError: false })).rejects.toThrow(/events\.db/);
  });
});
