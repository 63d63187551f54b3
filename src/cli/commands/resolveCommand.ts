import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeSubscription } from '../../client/openSubscription.js';
import { type CliCommand, COMMON_FLAGS_HELP } from '../cliCommand.js';
import { UsageError } from '../cliErrors.js';
import { plural } from '../humanFormat.js';

const HELP = `Usage: node-cli resolve [flags]
The tutorial's consensus (the admin mutation \`resolve\`): the node syncs from every peer and keeps the valid chain
with the most work. While it syncs, the blocks joining its best chain and peer status changes are printed to stderr;
then whether the chain was replaced, and what happened with each peer.
${COMMON_FLAGS_HELP}`;

/** Longest wait for the progress subscriptions before resolving anyway. */
const PROGRESS_CONNECT_WAIT_MS = 2_000;
/** Longest wait, after the answer, for the events of the blocks it reports. */
const PROGRESS_DRAIN_WAIT_MS = 1_000;
/** Blocks joining the chain are summarized at most this often. */
const BLOCK_PROGRESS_INTERVAL_MS = 500;

/** `resolve`: sync from every peer, with progress while it runs. */
export const resolveCommand: CliCommand = {
  summary: 'sync from every peer (longest valid chain wins), showing progress',
  help: HELP,
  flags: {},
  async run({ positionals, client, out }) {
    if (positionals.length > 0) throw new UsageError(`resolve takes no arguments, got "${positionals.join(' ')}"`);
    const [node, peers] = await Promise.all([client.node(), client.peers()]);
    out.progress(`resolving from height ${node.height} with ${plural(peers.length, 'peer')}…`);

    // Blocks joining the best chain while it syncs. `afterIndex` makes the node replay whatever joined before the
    // subscription started, so nothing is missed however the socket and the resolve request race.
    const joined = new Set<string>();
    let latest = node.height;
    let reported = node.height;
    let lastReport = 0;
    let streaming = true;
    const reportBlocks = (force: boolean) => {
      if (latest === reported || (!force && Date.now() - lastReport < BLOCK_PROGRESS_INTERVAL_MS)) return;
      out.progress(`  synced to block ${latest} (${plural(joined.size, 'block')} joined)`);
      reported = latest;
      lastReport = Date.now();
    };
    const blocks = client.subscribeNewBlocks({ afterIndex: node.height });
    blocks.listen(
      (block) => {
        joined.add(block.hash);
        latest = Math.max(latest, block.index);
        reportBlocks(false);
      },
      () => (streaming = false),
    );
    const peerChanges = client.subscribePeerChanged();
    peerChanges.listen(
      (peer) =>
        out.progress(`  peer ${peer.url}: ${peer.status}${peer.height === null ? '' : ` at height ${peer.height}`}`),
      () => {},
    );
    const subscriptions: NodeSubscription<unknown>[] = [blocks, peerChanges];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(subscriptions.map((subscription) => subscription.connected)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, PROGRESS_CONNECT_WAIT_MS))),
    ]);
    clearTimeout(timer);

    let resolution: Awaited<ReturnType<typeof client.resolve>>;
    try {
      resolution = await client.resolve();
      // The last blocks' events may still be on their way over the socket when the answer arrives.
      const deadline = Date.now() + PROGRESS_DRAIN_WAIT_MS;
      while (streaming && latest < resolution.chain.length && Date.now() < deadline) await sleep(20);
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
    }
    reportBlocks(true);
    const { chain } = resolution;
    out.result({ replaced: resolution.replaced, chain, peers: resolution.peers }, [
      resolution.replaced
        ? "replaced: our chain was replaced by a peer's with more work"
        : 'not replaced: our chain is authoritative',
      `height ${chain.length}, tip ${chain.tip.hash}, total work ${chain.totalWork}`,
      ...resolution.peers.map(
        (peer) =>
          `  ${peer.url}  ${peer.outcome}  ${plural(peer.blocksFetched, 'block')} fetched` +
          `${peer.peerHeight === null ? '' : `, peer height ${peer.peerHeight}`}` +
          `${peer.message === '' ? '' : `: ${peer.message}`}`,
      ),
      ...(resolution.peers.length === 0 ? ['  no peers (add some with `peers add <url>`)'] : []),
    ]);
  },
};
