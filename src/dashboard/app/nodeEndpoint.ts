/// <reference lib="dom" />

/** Where the page reads from: the node's GraphQL URL over HTTP and the same path over WebSocket. */
export interface NodeEndpoint {
  /** e.g. http://127.0.0.1:4000/graphql */
  readonly http: string;
  /** e.g. ws://127.0.0.1:4000/graphql */
  readonly ws: string;
  /** True when the node is this page's own origin (the default); another origin needs --cors-origin there. */
  readonly sameOrigin: boolean;
  /** Why `?node=` was ignored, when it was. */
  readonly problem: string | null;
}

/**
 * Resolves the node to watch: this page's own `/graphql`, or the http(s) URL in `?node=` (a bare `host:port` gets
 * http:// and /graphql added, as the node's own peer URLs do).
 */
export function resolveNodeEndpoint(location: Location): NodeEndpoint {
  const own = new URL('/graphql', location.href);
  const requested = new URLSearchParams(location.search).get('node');
  if (requested === null || requested.trim() === '') return endpointOf(own, location.origin, null);
  const url = parseNodeUrl(requested.trim());
  if (typeof url === 'string') return endpointOf(own, location.origin, `?node=${url}; showing this node instead`);
  return endpointOf(url, location.origin, null);
}

/**
 * A node's GraphQL URL from what a user typed: an http(s) URL, or `host:port` (http:// added); `/graphql` added when
 * the path is empty. Returns why not (starting with the text) when it is no such URL.
 */
export function parseNodeUrl(text: string): URL | string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `${text} is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${text} must be an http(s) URL, got ${url.protocol}`;
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  url.hash = '';
  return url;
}

function endpointOf(url: URL, pageOrigin: string, problem: string | null): NodeEndpoint {
  const ws = new URL(url.href);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: url.href, ws: ws.href, sameOrigin: url.origin === pageOrigin, problem };
}
