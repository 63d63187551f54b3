import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateWallet, type Wallet, walletFromPrivateKey } from '../wallet/wallet.js';

/** File name of the node's key inside the data directory. */
export const NODE_KEY_FILE = 'node-key.json';

/** Thrown when the key file exists but cannot be read as a node key. */
export class NodeKeyError extends Error {
  override readonly name = 'NodeKeyError';
}

/**
 * Loads the node wallet from `<dataDir>/node-key.json`, creating it on first start (written to a temporary file and
 * renamed, readable only by its owner). The node's address, and so every reward it mined, survives restarts.
 * @throws {NodeKeyError} when the file is unreadable or malformed (never silently replaced).
 */
export async function loadOrCreateNodeKey(dataDir: string): Promise<{ wallet: Wallet; created: boolean }> {
  const path = join(dataDir, NODE_KEY_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new NodeKeyError(`cannot read ${path}: ${(error as Error).message}`);
    }
    const wallet = generateWallet();
    await mkdir(dataDir, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(
      temporary,
      `${JSON.stringify({ privateKey: wallet.privateKey, address: wallet.address }, null, 2)}\n`,
      {
        mode: 0o600,
      },
    );
    await chmod(temporary, 0o600);
    await rename(temporary, path);
    return { wallet, created: true };
  }
  try {
    const parsed = JSON.parse(text) as { privateKey?: unknown; address?: unknown };
    if (typeof parsed.privateKey !== 'string') throw new Error('privateKey is missing');
    const wallet = walletFromPrivateKey(parsed.privateKey);
    if (parsed.address !== undefined && parsed.address !== wallet.address) {
      throw new Error('address does not belong to privateKey');
    }
    return { wallet, created: false };
  } catch (error) {
    // The parser quotes the file's bytes: control characters (a newline) would break the one-line error.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    const reason = (error as Error).message.replace(/[\u0000-\u001f\u007f]/g, '?');
    throw new NodeKeyError(`${path} is not a valid node key: ${reason}`);
  }
}
