import { type CliCommand, COMMON_FLAGS_HELP } from '../cliCommand.js';
import { RefusedError } from '../cliErrors.js';
import { formatCount, formatDuration, formatHashrate, plural, shortHash } from '../humanFormat.js';

const HELP = `Usage: node-cli mine [flags]
Has the node mine one block on its tip with the mempool's transactions (the admin mutation \`mine\`) and prints it.
While it mines, progress (tries, hashrate, elapsed time) is printed to stderr about once a second, from the
miningProgress subscription.
${COMMON_FLAGS_HELP}`;

/** How long to wait for the progress subscription before mining anyway (progress is a courtesy). */
const PROGRESS_CONNECT_WAIT_MS = 2_000;

/** `mine`: one block, with progress while the node works. */
export const mineCommand: CliCommand = {
  summary: 'mine one block, showing progress',
  help: HELP,
  flags: {},
  async run({ client, out }) {
    const node = await client.node();
    out.progress(
      `mining block ${node.height + 1} at difficulty ${node.difficulty} ` +
        `(about ${formatCount(2 ** node.difficulty)} tries)…`,
    );
    const progress = client.subscribeMiningProgress();
    progress.listen(
      (report) =>
        out.progress(
          `  block ${report.index}: ${formatDuration(report.elapsedMs)}, ` +
            `${formatCount(report.tries)} tries, ${formatHashrate(report.hashrate)}`,
        ),
      // Progress is a courtesy: a node whose socket fails still mines, and the result below says how it went.
      () => {},
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      progress.connected.catch(() => {}),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, PROGRESS_CONNECT_WAIT_MS))),
    ]);
    clearTimeout(timer);
    let result: Awaited<ReturnType<typeof client.mine>>;
    try {
      result = await client.mine();
    } finally {
      await progress.close();
    }
    if (!result.ok) throw new RefusedError(result);
    const { block } = result;
    const reward = block.transactions[0];
    out.result({ block }, [
      `mined block ${block.index} ${block.hash}`,
      `  difficulty ${block.difficulty}, proof ${block.proof}, ${plural(block.transactionCount, 'transaction')}, ` +
        `parent ${shortHash(block.previousHash)}`,
      ...(reward === undefined ? [] : [`  reward ${reward.amount} to ${reward.recipient}`]),
    ]);
  },
};
