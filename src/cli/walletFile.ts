import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isHexOfBytes } from '../guards/guards.js';
import { type Wallet, walletFromPrivateKey } from '../wallet/wallet.js';
import { UsageError } from './cliErrors.js';

/** Where `--wallet` points by default. */
export const DEFAULT_WALLET_FILE = './wallet.json';

/**
 * Writes a wallet key file (JSON `{ address, privateKey }`) readable by its owner only (mode 0600). An existing file
 * is kept unless `overwrite`: a key file is the only copy of the coins' key.
 * @throws {UsageError} when the file exists (without `overwrite`) or cannot be written.
 */
export function writeWalletFile(path: string, wallet: Wallet, overwrite: boolean): void {
  const text = `${JSON.stringify({ address: wallet.address, privateKey: wallet.privateKey }, null, 2)}\n`;
  try {
    if (!overwrite) {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
      return;
    }
    // Replacing: the key goes into a new private file next to it (created exclusively, so never through a symlink or
    // into a file others can read), which then takes the old one's place in one rename.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
      renameSync(temporary, path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`--wallet ${path} already exists; it is kept (pass --force to replace it and lose its key)`);
    }
    throw new UsageError(`--wallet ${path} cannot be written: ${code ?? (error as Error).message}`);
  }
}

/**
 * Reads a wallet key file and checks that its private key derives its address. `warn` hears about a file that
 * others may read.
 * @throws {UsageError} naming the file and what is wrong with it.
 */
export function readWalletFile(path: string, warn: (line: string) => void = () => {}): Wallet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UsageError(`--wallet ${path} does not exist; create one with \`wallet new --wallet ${path}\``);
    }
    throw new UsageError(`--wallet ${path} cannot be read: ${code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--wallet ${path} is not JSON; expected { "address": …, "privateKey": … }`);
  }
  const { privateKey, address } = (parsed ?? {}) as { privateKey?: unknown; address?: unknown };
  if (typeof privateKey !== 'string' || !isHexOfBytes(privateKey, 32)) {
    throw new UsageError(`--wallet ${path}: privateKey must be 64 hex characters`);
  }
  const wallet = walletFromPrivateKey(privateKey);
  if (address !== undefined && address !== wallet.address) {
    throw new UsageError(`--wallet ${path}: address does not belong to privateKey (the file is corrupt or was edited)`);
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warn(`warning: ${path} can be read by other users (mode ${mode.toString(8)}); run chmod 600 ${path}`);
  }
  return wallet;
}
