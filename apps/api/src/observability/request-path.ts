/**
 * What logs and metrics may say about a request's URL. The router ignores case and empty
 * segments (`/PAY/<token>`, `//pay/<token>` and `/pay//<token>` all reach the pay page), so the
 * path is normalised the same way before anything is matched: the token of a customer page is
 * masked wherever the router would have found it, a segment shaped like an API key is masked
 * anywhere, and the query string is never kept (keys and tokens travel there too).
 */

const TOKEN_PAGES = new Set(['pay', 'card']);
const API_KEY = /lk_[A-Za-z0-9_-]+/g;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The path's non-empty segments, percent-decoded, without the query or fragment. */
function segmentsOf(url: string): string[] {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  return path.split('/').filter((segment) => segment !== '').map(decoded);
}

/** The path for a log line: customer-page tokens and API keys masked, no query string. */
export function maskPath(url: string): string {
  const segments = segmentsOf(url).map((segment) => segment.replace(API_KEY, '[key]'));
  if (segments.length >= 2 && TOKEN_PAGES.has(segments[0]!.toLowerCase())) {
    segments[0] = segments[0]!.toLowerCase();
    segments[1] = '[token]';
  }
  return `/${segments.join('/')}`;
}

const KNOWN_ROUTES = new Set(['/graphql', '/webhooks/stripe', '/health/live', '/health/ready', '/metrics']);
const STATIC_PREFIXES = ['graphql-ide', 'assets', 'pages'];

/** A bounded label for metrics: the route the request matched, never a token or a made-up path. */
export function routeLabel(url: string): string {
  const segments = segmentsOf(url).map((segment) => segment.toLowerCase());
  if (segments.length >= 2 && TOKEN_PAGES.has(segments[0]!)) return `/${segments[0]}/:token${segments[2] === 'done' ? '/done' : ''}`;
  const path = `/${segments.join('/')}`;
  if (KNOWN_ROUTES.has(path)) return path;
  return segments.length > 1 && STATIC_PREFIXES.includes(segments[0]!) ? 'static' : 'other';
}
