import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWalletFile, writeWalletFile } from '../../src/cli/walletFile.js';
import { generateWallet } from '../../src/wallet/wallet.js';

const dir = mkdtempSync(join(tmpdir(), 'wallet-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeWalletFile with --force', () => {
  it('replaces a file others could read with a new private file (never writes the key into the old one)', () => {
    const path = join(dir, 'loose.json');
    writeFileSync(path, '{}\n', { mode: 0o644 });
    chmodSync(path, 0o644);
    const oldInode = statSync(path).ino;
    const wallet = generateWallet();
    writeWalletFile(path, wallet, true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).ino).not.toBe(oldInode);
    expect(readWalletFile(path).address).toBe(wallet.address);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces a symlink itself instead of writing the key through it', () => {
    const target = join(dir, 'elsewhere.txt');
    writeFileSync(target, 'not a key\n');
    const link = join(dir, 'link.json');
    symlinkSync(target, link);
    writeWalletFile(link, generateWallet(), true);
    expect(readFileSync(target, 'utf8')).toBe('not a key\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(statSync(link).mode & 0o777).toBe(0o600);
  });

  it('without --force refuses an existing path, even a dangling symlink', () => {
    const link = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'missing-target'), link);
    expect(() => writeWalletFile(link, generateWallet(), false)).toThrow(/already exists/);
    expect(() => statSync(join(dir, 'missing-target'))).toThrow();
  });
});
