import type { Peer } from '../../client/types.js';
import { type CliCommand, COMMON_FLAGS_HELP, type CommandInput } from '../cliCommand.js';
import { RefusedError, UsageError } from '../cliErrors.js';
import { formatTable, formatTimestamp } from '../humanFormat.js';

const HELP = `Usage: node-cli peers list | add <url...> | remove <url...> [flags]
  peers list           the node's peers: URL, status, height, last seen, last error
  peers add <url...>   register peers (host:port or http(s)://host:port[/graphql]); each is contacted once
  peers remove <url...> forget peers
add and remove are admin operations (--token when the node has an admin token).
${COMMON_FLAGS_HELP}`;

/** `peers list|add|remove`. */
export const peersCommand: CliCommand = {
  summary: 'list, add or remove peers',
  help: HELP,
  flags: {},
  async run(input) {
    const [action, ...urls] = input.positionals;
    switch (action) {
      case 'list':
        if (urls.length > 0) throw new UsageError(`peers list takes no arguments, got "${urls.join(' ')}"`);
        return listPeers(input);
      case 'add':
      case 'remove':
        if (urls.length === 0) throw new UsageError(`peers ${action} needs at least one <url>`);
        return action === 'add' ? addPeers(input, urls) : removePeers(input, urls);
      case undefined:
        throw new UsageError('peers needs an action: list, add or remove');
      default:
        throw new UsageError(`unknown peers action "${action}"; use list, add or remove`);
    }
  },
};

function peerRows(peers: readonly Peer[]): string[] {
  if (peers.length === 0) return ['no peers'];
  return formatTable([
    ['url', 'status', 'height', 'last seen', 'last error'],
    ...peers.map((peer) => [
      peer.url,
      peer.status,
      peer.height === null ? '-' : String(peer.height),
      peer.lastSeen === null ? '-' : formatTimestamp(peer.lastSeen),
      peer.lastError ?? '',
    ]),
  ]);
}

async function listPeers({ client, out }: CommandInput): Promise<void> {
  const peers = await client.peers();
  out.result({ peers }, peerRows(peers));
}

async function addPeers({ client, out }: CommandInput, urls: readonly string[]): Promise<void> {
  const result = await client.registerNodes(urls);
  if (!result.ok) throw new RefusedError(result);
  out.result({ added: result.added, peers: result.peers }, [
    result.added.length === 0 ? 'no new peers (all were registered already)' : `added ${result.added.length}:`,
    ...result.added.map(
      (peer) => `  ${peer.url} ${peer.status}${peer.lastError === null ? '' : ` (${peer.lastError})`}`,
    ),
    '',
    ...peerRows(result.peers),
  ]);
}

async function removePeers({ client, out }: CommandInput, urls: readonly string[]): Promise<void> {
  const result = await client.removeNodes(urls);
  if (!result.ok) throw new RefusedError(result);
  out.result({ removed: result.removed, peers: result.peers }, [
    result.removed.length === 0 ? 'removed none (none of them was registered)' : `removed ${result.removed.join(', ')}`,
    '',
    ...peerRows(result.peers),
  ]);
}
