import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateNodeKey, NODE_KEY_FILE, NodeKeyError } from '../../src/node/nodeKey.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'node-key-'));
  dirs.push(dir);
  return dir;
};

describe('the node key file', () => {
  it('creates a key once and loads the same one after', async () => {
    const dir = tempDir();
    const first = await loadOrCreateNodeKey(dir);
    const again = await loadOrCreateNodeKey(dir);
    expect(first.created).toBe(true);
    expect(again).toEqual({ wallet: first.wallet, created: false });
  });

  it('refuses garbage with a one-line error naming the file, even when the garbage holds line breaks', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, NODE_KEY_FILE), Buffer.from([0xff, 0x0a, 0x7b, 0x0d, 0x0a, 0x09, 0x01, 0x22]));
    const error = await loadOrCreateNodeKey(dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeKeyError);
    expect((error as Error).message).toContain(join(dir, NODE_KEY_FILE));
    expect((error as Error).message).toMatch(/is not a valid node key/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the message must hold none of the file's control bytes
    expect((error as Error).message).not.toMatch(/[\n\r\t\u0001]/);
  });
});
