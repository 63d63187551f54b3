import { isHostPort } from '../guards/guards.js';

/** The outcome of reading a peer address. */
export type PeerUrlResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Normalizes a peer address to `http(s)://host:port/graphql`. Accepts `http(s)://host:port`, the same with
 * `/graphql`, and, as in the tutorial, `host:port` without a scheme (http is assumed). Anything else (another
 * scheme, no host, no port, a path, credentials, a query) gets a reason naming the rule.
 */
export function normalizePeerUrl(input: string): PeerUrlResult {
  const text = input.trim();
  if (text.length === 0) return { ok: false, reason: 'is empty; expected host:port or http(s)://host:port' };
  if (text.length > 2048) return { ok: false, reason: 'is longer than 2048 characters' };
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text) && !isHostPort(text)) {
    return { ok: false, reason: `"${text}" is not host:port or http(s)://host:port[/graphql]` };
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, reason: `"${text}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${url.protocol.replace(':', '')} is not allowed; use http or https` };
  }
  if (url.hostname === '') return { ok: false, reason: `"${text}" has no host` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'must not contain credentials' };
  if (url.search !== '' || url.hash !== '') return { ok: false, reason: 'must not contain a query or fragment' };
  if (url.pathname !== '/' && url.pathname !== '/graphql' && url.pathname !== '/graphql/') {
    return { ok: false, reason: `path ${url.pathname} is not allowed; use no path or /graphql` };
  }
  // URL drops a scheme's default port (http://h:80 → port ''), so look at the authority as written.
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(withScheme)?.[1] ?? '';
  if (!/:\d+$/.test(authority)) {
    return { ok: false, reason: `"${text}" has no port; expected host:port` };
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  if (port === '0') return { ok: false, reason: `"${text}" has port 0; a peer listens on a port from 1 to 65535` };
  return { ok: true, url: `${url.protocol}//${url.hostname}:${port}/graphql` };
}
