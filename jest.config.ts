/** @jest-config-loader esbuild-register */
// Jest runs in its native ESM mode because NestJS 12 ships only ES modules.
// Tests are split into projects by tier, named by their file suffix.
import type { Config } from 'jest';

const aliases: Record<string, string> = {
  '^@ledger/projections$': '<rootDir>/projections/index.ts',
  '^@ledger/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  // Sources import siblings with the `.js` suffix NodeNext requires; Jest resolves the `.ts` file.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
] as const;

function tier(name: string): Config {
  return {
    displayName: name,
    testMatch: [`<rootDir>/{apps,libs,projections}/**/*.${name}.spec.ts`],
    extensionsToTreatAsEsm: ['.ts'],
    moduleNameMapper: aliases,
    transform: { '^.+\\.ts$': swc as unknown as [string, Record<string, unknown>] },
    testEnvironment: 'node',
  };
}

const config: Config = {
  projects: [tier('unit'), tier('int'), tier('e2e')],
  // A global option: Jest ignores testTimeout inside a project. On a loaded 2-core CI machine an
  // e2e test that boots the API and drives a browser needs far more than Jest's 5 s default.
  testTimeout: 60_000,
};

export default config;
