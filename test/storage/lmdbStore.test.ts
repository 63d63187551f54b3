import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { DATABASE_FILE, LmdbStore, STORE_FORMAT_VERSION, StoreOpenError } from '../../src/storage/lmdbStore.js';
import { extendChain } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { describeChainStoreContract } from './chainStoreContract.js';

describeChainStoreContract('LmdbStore', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmdb-contract-'));
  let store = LmdbStore.open(dir);
  return {
    store,
    reopen: async () => {
      await store.close();
      store = LmdbStore.open(dir);
      return store;
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('LmdbStore on disk', () => {
  const dirs: string[] = [];
  const stores: LmdbStore[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmdb-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('applies nothing of a batch that fails half-way (one atomic transaction)', () => {
    const store = LmdbStore.open(tempDir());
    stores.push(store);
    const chain = new Chain({ params: easyParams, clock: createFixedClock().now, store });
    const tip = extendChain(chain, { miner: alice });
    const broken = { ...tip, hash: 'cd'.repeat(32), transactionIds: ['not hex'] };
    expect(() =>
      store.write({ newBlocks: [broken], disconnected: [], connected: [broken], accounts: new Map(), tipHash: broken.hash }),
    ).toThrow();
    expect(store.getTipHash()).toBe(tip.hash);
    expect(store.getBlock(broken.hash)).toBeUndefined();
    expect(store.getBestHash(2)).toBe(tip.hash);
  });

  it('records its format version and refuses a directory of another format with a clear error', async () => {
    const dir = tempDir();
    const store = LmdbStore.open(dir);
    expect(store.getMeta('formatVersion')).toBe(STORE_FORMAT_VERSION);
    await store.close();
    const raw = open({ path: join(dir, DATABASE_FILE), noSubdir: true, maxDbs: 16 });
    await raw.openDB({ name: 'meta' }).put('formatVersion', STORE_FORMAT_VERSION + 1);
    await raw.close();
    expect(() => LmdbStore.open(dir)).toThrow(StoreOpenError);
    expect(() => LmdbStore.open(dir)).toThrow(/data format 2; this node reads format 1/);
  });

  it('refuses a file that is not a database', () => {
    const dir = tempDir();
    writeFileSync(join(dir, DATABASE_FILE), 'this is not an LMDB file'.repeat(1000));
    expect(() => LmdbStore.open(dir)).toThrow(StoreOpenError);
  });

  it('refuses a database that holds data but no format version (not a node data directory)', async () => {
    const dir = tempDir();
    const raw = open({ path: join(dir, DATABASE_FILE), noSubdir: true, maxDbs: 16 });
    await raw.openDB({ name: 'meta' }).put('tip', 'ab'.repeat(32));
    await raw.close();
    expect(() => LmdbStore.open(dir)).toThrow(/not a node data directory/);
  });

  it('keeps registered peers', async () => {
    const dir = tempDir();
    let store = LmdbStore.open(dir);
    store.putPeer('http://127.0.0.1:4001/graphql', 5);
    store.putPeer('http://127.0.0.1:4002/graphql', 6);
    store.deletePeer('http://127.0.0.1:4001/graphql');
    await store.close();
    store = LmdbStore.open(dir);
    stores.push(store);
    expect(store.listPeers()).toEqual([{ url: 'http://127.0.0.1:4002/graphql', addedAt: 6 }]);
  });
});
