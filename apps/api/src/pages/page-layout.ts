/**
 * The frame every customer page shares, and the response headers that go with it: a strict
 * Content-Security-Policy (only our own files, plus Stripe's when its Payment Element is used),
 * no caching (the pages show what someone owes), no indexing, and no referrer, because the URL
 * carries the customer's secret token and must not leak to another site.
 */
import { html } from './html.js';
import type { SafeHtml } from './html.js';
import type { PageAssets } from './page-assets.js';

export interface PageContent {
  readonly title: string;
  readonly body: SafeHtml;
  /** Our own scripts, by URL; Stripe.js is added by `stripe`. */
  readonly scripts?: readonly string[];
  /** Loads Stripe.js and lets the policy allow what the Payment Element needs. */
  readonly stripe?: boolean;
  /** Reloads the page after this many seconds (while a payment is being confirmed). */
  readonly refreshSeconds?: number;
  /** The sandbox processor is in use: say so, since no real money moves. */
  readonly testMode?: boolean;
}

export const STRIPE_JS_URL = 'https://js.stripe.com/v3/';

/** The directives Stripe documents for Stripe.js and its Elements, and nothing wider. */
function contentSecurityPolicy(stripe: boolean): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'base-uri': ["'none'"],
  };
  if (stripe) {
    directives['script-src']!.push('https://js.stripe.com', 'https://*.js.stripe.com');
    directives['frame-src'] = ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'];
    directives['connect-src']!.push('https://api.stripe.com');
  }
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export function pageHeaders(stripe = false): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': contentSecurityPolicy(stripe),
    'Cache-Control': 'no-store',
    'X-Robots-Tag': 'noindex, nofollow',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

export function renderPage(content: PageContent, assets: PageAssets): string {
  const scripts = [...(content.stripe ? [STRIPE_JS_URL] : []), ...(content.scripts ?? [])];
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${content.refreshSeconds === undefined ? '' : html`<meta http-equiv="refresh" content="${content.refreshSeconds}">`}
<title>${content.title}</title>
<link rel="stylesheet" href="${assets.url('pages.css')}">
${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}
</head>
<body>
<main class="sheet">
${content.body}
</main>
<footer class="footer"><p>${content.testMode ? 'Test mode: no real card is charged and no money moves.' : 'Card payments are processed securely by Stripe. This site never sees or stores your card number.'}</p></footer>
</body>
</html>
`;
  return page.value;
}
