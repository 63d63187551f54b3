import { readInteger } from '../argumentRules.js';
import { type CliCommand, COMMON_FLAGS_HELP } from '../cliCommand.js';
import { UsageError } from '../cliErrors.js';
import { formatTable, formatTimestamp, shortHash } from '../humanFormat.js';

const HELP = `Usage: node-cli chain [--last <n>] [flags]
Prints the best chain: height, tip, total work, genesis, and its last blocks (newest last).
Flags:
  --last <n>   how many of the last blocks to list, 1 to 100 (default 10)
${COMMON_FLAGS_HELP}`;

/** `chain`: height, tip and the last blocks. */
export const chainCommand: CliCommand = {
  summary: 'show height, tip and the last blocks',
  help: HELP,
  flags: { last: { type: 'string' } },
  async run({ positionals, flags, client, out }) {
    if (positionals.length > 0) throw new UsageError(`chain takes no arguments, got "${positionals.join(' ')}"`);
    const last = readInteger('--last', (flags['last'] as string | undefined) ?? '10', 1, 100);
    const chain = await client.chain({ last });
    out.result(
      {
        height: chain.length,
        totalWork: chain.totalWork,
        genesisHash: chain.genesisHash,
        tip: chain.tip,
        blocks: chain.blocks,
      },
      [
        `height      ${chain.length}`,
        `tip         ${chain.tip.hash}`,
        `total work  ${chain.totalWork}`,
        `genesis     ${chain.genesisHash}`,
        '',
        ...formatTable([
          ['index', 'hash', 'mined at', 'txs', 'difficulty'],
          ...chain.blocks.map((block) => [
            String(block.index),
            shortHash(block.hash),
            formatTimestamp(block.timestamp),
            String(block.transactionCount),
            String(block.difficulty),
          ]),
        ]),
      ],
    );
  },
};
