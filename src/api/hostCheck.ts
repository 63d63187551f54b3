import type { IncomingMessage } from 'node:http';

/** The flag that names the host names a node answers to. */
export const ALLOWED_HOSTS_FLAG = '--allowed-hosts';

/** Host names every node answers to: its loopback names. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a Host header (or URL host): lower case, without the port; IPv6 keeps its brackets. */
export function hostName(host: string): string {
  const text = host.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end < 0 ? text : text.slice(0, end + 1);
  }
  const colon = text.indexOf(':');
  return colon < 0 ? text : text.slice(0, colon);
}

/**
 * A check of the Host header against an allow-list, the defence against DNS rebinding: a web page whose name an
 * attacker re-points at 127.0.0.1 is same-origin with the node, so CORS does not stop it, but its requests carry the
 * attacker's name as Host. `*` in the list allows every host. A request without a Host header (HTTP/1.0, a health
 * checker) is not a browser's, and passes.
 */
export function createHostCheck(allowed: readonly string[]): (req: IncomingMessage) => string | undefined {
  const names = new Set(allowed.map(hostName));
  const any = names.has('*');
  return (req) => {
    const host = req.headers.host;
    if (any || host === undefined || host === '' || names.has(hostName(host))) return undefined;
    return (
      `host "${hostName(host)}" is not allowed: this node answers to ${[...names].join(', ')}. ` +
      `Start it with ${ALLOWED_HOSTS_FLAG} ${[...names, hostName(host)].join(',')} to allow it ` +
      '(the check stops web pages that re-point their name at this node: DNS rebinding)'
    );
  };
}

/** The default allow-list: the loopback names, the address the node binds and the host of its public URL. */
export function defaultAllowedHosts(bindHost: string, publicUrl: string | null): string[] {
  const hosts = new Set(LOOPBACK_HOSTS);
  if (bindHost !== '0.0.0.0' && bindHost !== '::')
    hosts.add(hostName(bindHost.includes(':') ? `[${bindHost}]` : bindHost));
  if (publicUrl !== null) {
    try {
      hosts.add(hostName(new URL(publicUrl).host));
    } catch {
      // A malformed public URL is refused by the config; nothing to add.
    }
  }
  return [...hosts];
}

/** The JSON body of a refusal: a GraphQL-shaped error, code HOST_NOT_ALLOWED. */
export function hostRefusalBody(message: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code: 'HOST_NOT_ALLOWED' } }] });
}
