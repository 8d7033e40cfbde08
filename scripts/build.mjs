#!/usr/bin/env node
// Compiles apps, libraries, projections and benchmarks to dist/ with SWC (ES modules, decorator
// metadata for Nest, path aliases rewritten to relative imports), copying plain files such as the
// event store's CommonJS writer thread. Type checking is `npm run lint`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const swc = createRequire(import.meta.url).resolve('@swc/cli/bin/swc.js');
rmSync(join(root, 'dist'), { recursive: true, force: true });
const sources = ['apps', 'libs', 'projections'];
const result = spawnSync(
  process.execPath,
  [swc, ...sources, '-d', 'dist', '--config-file', '.swcrc', '--ignore', '**/*.spec.ts', '--copy-files', '--quiet'],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
