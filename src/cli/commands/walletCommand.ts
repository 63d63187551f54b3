import { generateWallet } from '../../wallet/wallet.js';
import { readAddress } from '../argumentRules.js';
import { type CliCommand, COMMON_FLAGS_HELP, type CommandInput } from '../cliCommand.js';
import { UsageError } from '../cliErrors.js';
import { DEFAULT_WALLET_FILE, readWalletFile, writeWalletFile } from '../walletFile.js';

const HELP = `Usage: node-cli wallet new|address|balance [address] [--wallet <file>] [flags]
  wallet new               create a key file (mode 0600) and print its address; an existing file is kept
  wallet address           print the address of the key file
  wallet balance [address] ask the node for the balance and nonce of the key file's address (or of <address>)
Flags:
  --wallet <file>  the key file (default ${DEFAULT_WALLET_FILE})
  --force          with "new": replace an existing key file (its key is lost)
${COMMON_FLAGS_HELP}`;

/** `wallet new|address|balance`: a key file on disk, and the balance of its address. */
export const walletCommand: CliCommand = {
  summary: 'create a key file, show its address, ask a node for its balance',
  help: HELP,
  flags: { wallet: { type: 'string' }, force: { type: 'boolean' } },
  async run(input) {
    const [action, ...rest] = input.positionals;
    const file = (input.flags['wallet'] as string | undefined) ?? DEFAULT_WALLET_FILE;
    if (action !== 'balance' && rest.length > 0)
      throw new UsageError(`wallet ${action} takes no arguments, got "${rest.join(' ')}"`);
    if (input.flags['force'] === true && action !== 'new') throw new UsageError('--force only applies to "wallet new"');
    switch (action) {
      case 'new':
        return createWallet(input, file);
      case 'address': {
        const wallet = readWalletFile(file, (line) => input.out.progress(line));
        return input.out.result({ address: wallet.address, file }, wallet.address);
      }
      case 'balance':
        if (rest.length > 1)
          throw new UsageError(`wallet balance takes at most one address, got ${rest.length} arguments`);
        return showBalance(input, rest[0] === undefined ? undefined : readAddress('address', rest[0]), file);
      case undefined:
        throw new UsageError('wallet needs an action: new, address or balance');
      default:
        throw new UsageError(`unknown wallet action "${action}"; use new, address or balance`);
    }
  },
};

function createWallet(input: CommandInput, file: string): void {
  const wallet = generateWallet();
  writeWalletFile(file, wallet, input.flags['force'] === true);
  input.out.result({ address: wallet.address, file }, [
    `created ${file} (mode 0600; keep it secret, it holds the key)`,
    `address ${wallet.address}`,
  ]);
}

async function showBalance(input: CommandInput, address: string | undefined, file: string): Promise<void> {
  const target = address ?? readWalletFile(file, (line) => input.out.progress(line)).address;
  const account = await input.client.account(target, { first: 1 });
  input.out.result(
    {
      address: account.address,
      balance: account.balance,
      pendingBalance: account.pendingBalance,
      nonce: account.nonce,
      pendingNonce: account.pendingNonce,
      transactionCount: account.transactionCount,
    },
    [
      `address       ${account.address}`,
      `balance       ${account.balance}`,
      `pending       ${account.pendingBalance} (once the mempool is mined)`,
      `nonce         ${account.nonce} (next transfer: ${account.pendingNonce})`,
      `transactions  ${account.transactionCount}`,
    ],
  );
}
