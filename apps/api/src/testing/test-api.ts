/**
 * An API on its embedded defaults in a fresh temporary data directory, listening on a free
 * loopback port: what the e2e tests talk to over real HTTP.
 */
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration } from '@ledger/config';
import type { Configuration } from '@ledger/config';
import { createApi } from '../bootstrap.js';

export interface TestApi {
  readonly app: INestApplication;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dataDir: string;
  readonly config: Configuration;
  close(): Promise<void>;
}

/** `env` adds to (or overrides) the embedded defaults; DATA_DIR is always a new temp dir. */
export async function startTestApi(env: Record<string, string | undefined> = {}): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  try {
    // Links in e-mails and pages carry the public URL, so the port is chosen before the app starts.
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfiguration({
      NODE_ENV: 'test',
      PUBLIC_URL: url,
      ...env,
      PORT: String(port),
      DATA_DIR: dataDir,
    });
    const app = await createApi(config, { logger: false });
    await app.listen(port, '127.0.0.1');
    return {
      app,
      url,
      dataDir,
      config,
      async close() {
        await app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A port free on loopback right now (for a server whose URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
