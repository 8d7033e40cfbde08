/**
 * The pages' own static files (a style sheet and small scripts), read once at start-up and
 * served from a fixed list, never from a path a request names. Each URL carries a hash of the
 * file, so browsers may cache a file for good and still fetch a changed one after a deploy.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface PageAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly hash: string;
}

export const PAGE_ASSETS_PATH = '/assets/pages';

const assetTypes: Readonly<Record<string, string>> = {
  'pages.css': 'text/css; charset=utf-8',
  'sandbox-card-entry.js': 'text/javascript; charset=utf-8',
  'stripe-card-entry.js': 'text/javascript; charset=utf-8',
};

export type PageAssetName = keyof typeof assetTypes;

export class PageAssets {
  private readonly assets = new Map<string, PageAsset>();

  constructor(directory: URL = new URL('./assets/', import.meta.url)) {
    for (const [name, contentType] of Object.entries(assetTypes)) {
      const body = readFileSync(new URL(name, directory));
      this.assets.set(name, { body, contentType, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) });
    }
  }

  get(name: string): PageAsset | undefined {
    return this.assets.get(name);
  }

  url(name: PageAssetName): string {
    const asset = this.assets.get(name);
    if (asset === undefined) throw new Error(`unknown page asset ${name}`);
    return `${PAGE_ASSETS_PATH}/${name}?v=${asset.hash}`;
  }
}
