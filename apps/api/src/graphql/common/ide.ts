/**
 * A GraphQL IDE (GraphiQL) that works offline: Apollo's default landing page and Nest's GraphiQL
 * both load scripts from CDNs, which a developer's laptop on a plane, or this CI machine, cannot
 * reach. The page and its scripts are served from our own node_modules instead. Development
 * only; production serves no IDE and answers introspection with an error.
 */
import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A file inside an installed package, found past its `exports` map (UMD builds are not exported). */
function packageFile(name: string, file: string): string {
  return join(dirname(require.resolve(`${name}/package.json`)), file);
}

/** The files the page loads, by the name it asks for. */
const ASSETS: Record<string, { file: () => string; type: string }> = {
  'react.js': {
    file: () => packageFile('react', 'umd/react.production.min.js'),
    type: 'text/javascript',
  },
  'react-dom.js': {
    file: () => packageFile('react-dom', 'umd/react-dom.production.min.js'),
    type: 'text/javascript',
  },
  'graphiql.js': {
    file: () => join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.js'),
    type: 'text/javascript',
  },
  'graphiql.css': {
    file: () => join(dirname(require.resolve('graphiql/package.json')), 'graphiql.min.css'),
    type: 'text/css',
  },
  'start.js': {
    file: () => join(dirname(new URL(import.meta.url).pathname), 'ide-start.js'),
    type: 'text/javascript',
  },
};

export const IDE_ASSET_PATH = '/graphql-ide';

export function idePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ledger GraphQL IDE</title>
<meta name="robots" content="noindex">
<link rel="stylesheet" href="${IDE_ASSET_PATH}/graphiql.css">
<style>body{margin:0;height:100vh}#graphiql{height:100vh}</style>
</head>
<body>
<div id="graphiql">Loading the IDE…</div>
<script src="${IDE_ASSET_PATH}/react.js"></script>
<script src="${IDE_ASSET_PATH}/react-dom.js"></script>
<script src="${IDE_ASSET_PATH}/graphiql.js"></script>
<script src="${IDE_ASSET_PATH}/start.js"></script>
</body>
</html>`;
}

/** Apollo shows this page for a browser's GET /graphql (and only when no other landing page is set). */
export function offlineIdePlugin(): ApolloServerPlugin {
  return {
    serverWillStart: () =>
      Promise.resolve({
        renderLandingPage: () => Promise.resolve({ html: idePage() }),
      }),
  };
}

@Controller(IDE_ASSET_PATH)
export class IdeAssetsController {
  @Get(':name')
  @Header('Cache-Control', 'public, max-age=3600')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = Object.prototype.hasOwnProperty.call(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new NotFoundException();
    res.type(asset.type).sendFile(asset.file());
  }
}
