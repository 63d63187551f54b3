import { readAddress, readInteger } from '../argumentRules.js';
import { type CliCommand, COMMON_FLAGS_HELP } from '../cliCommand.js';
import { RefusedError, UsageError } from '../cliErrors.js';
import { plural } from '../humanFormat.js';
import { DEFAULT_WALLET_FILE, readWalletFile } from '../walletFile.js';

const HELP = `Usage: node-cli send <recipient> <amount> [--wallet <file> | --from-node] [flags]
Sends <amount> coins to <recipient> (64 hex characters). By default the transfer is signed here with the key file
at its account's next nonce and submitted (submitTransaction); --from-node has the node sign it from its own
wallet instead (the admin mutation \`send\`). The transfer waits in the mempool for the next block.
Flags:
  --wallet <file>  the sender's key file (default ${DEFAULT_WALLET_FILE})
  --from-node      spend from the node's wallet (needs the admin token when the node has one)
${COMMON_FLAGS_HELP}`;

/** `send <recipient> <amount>`: a signed transfer from the key file, or the node's own `send`. */
export const sendCommand: CliCommand = {
  summary: 'send coins, signed with the key file (or --from-node)',
  help: HELP,
  flags: { wallet: { type: 'string' }, 'from-node': { type: 'boolean' } },
  async run({ positionals, flags, client, out }) {
    if (positionals.length !== 2)
      throw new UsageError(`send needs <recipient> <amount>, got ${positionals.length} arguments`);
    const recipient = readAddress('<recipient>', positionals[0]!);
    const amount = readInteger('<amount>', positionals[1]!, 1, Number.MAX_SAFE_INTEGER);
    const fromNode = flags['from-node'] === true;
    if (fromNode && flags['wallet'] !== undefined) throw new UsageError('--from-node and --wallet exclude each other');
    const result = fromNode
      ? await client.send(recipient, amount)
      : await client.sendSigned(
          readWalletFile((flags['wallet'] as string | undefined) ?? DEFAULT_WALLET_FILE, (line) => out.progress(line)),
          recipient,
          amount,
        );
    if (!result.ok) throw new RefusedError(result);
    const { transaction, expectedBlockIndex } = result;
    out.result({ transaction, expectedBlockIndex }, [
      `accepted ${transaction.id}`,
      `  ${plural(transaction.amount, 'coin')} from ${transaction.sender}`,
      `  to ${transaction.recipient} (nonce ${transaction.nonce})`,
      `  expected in block ${expectedBlockIndex}`,
    ]);
  },
};
