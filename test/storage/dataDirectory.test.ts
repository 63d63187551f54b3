import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import { del, put } from '../../src/chain/db/keyValue.js';
import { encodeMeta, Keys, prefixEnd, Table } from '../../src/chain/db/records.js';
import { KeyValuePeerStore } from '../../src/node/peerStore.js';
import {
  DATABASE_FILE,
  type DataDirectory,
  openDataDirectory,
  STORE_FORMAT_VERSION,
  StoreOpenError,
} from '../../src/storage/dataDirectory.js';
import { asParent, buildBranch, extendChain } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';

import { describeChainDbContract } from './chainDbContract.js';
import { describeKeyValueContract } from './keyValueContract.js';

const FORMAT1_FIXTURE = new URL('./fixtures/format1/', import.meta.url);

const lmdbHarness = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmdb-contract-'));
  let directory = openDataDirectory(dir);
  return {
    get kv() {
      return directory.kv;
    },
    reopen: async () => {
      await directory.close();
      directory = openDataDirectory(dir);
      return directory.kv;
    },
    cleanup: async () => {
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

describeKeyValueContract('LmdbKeyValueStore', lmdbHarness);
describeChainDbContract('LmdbKeyValueStore', lmdbHarness);

describe('the data directory on disk', () => {
  const dirs: string[] = [];
  const opened: DataDirectory[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmdb-'));
    dirs.push(dir);
    return dir;
  };
  const openDir = (dir: string) => {
    const directory = openDataDirectory(dir);
    opened.push(directory);
    return directory;
  };
  afterEach(async () => {
    for (const directory of opened.splice(0)) await directory.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('applies nothing of a chain batch that fails half-way (one atomic transaction)', () => {
    const db = new ChainDb(openDir(tempDir()).kv);
    const chain = new Chain({ params: easyParams, clock: createFixedClock().now, db });
    const tip = extendChain(chain, { miner: alice });
    const broken = { ...tip, hash: 'cd'.repeat(32), transactionIds: ['not hex'] };
    expect(() =>
      db.write({
        newBlocks: [broken],
        disconnected: [],
        connected: [broken],
        accounts: new Map(),
        tipHash: broken.hash,
      }),
    ).toThrow();
    expect(db.getTipHash()).toBe(tip.hash);
    expect(db.getBlock(broken.hash)).toBeUndefined();
    expect(db.getBestHash(2)).toBe(tip.hash);
  });

  it('records its format version and refuses a directory of another format with a clear error', async () => {
    const dir = tempDir();
    const directory = openDataDirectory(dir);
    expect(new ChainDb(directory.kv).getMeta('formatVersion')).toBe(STORE_FORMAT_VERSION);
    directory.kv.batch([put(Keys.meta('formatVersion'), encodeMeta(STORE_FORMAT_VERSION + 1))]);
    await directory.close();
    expect(() => openDataDirectory(dir)).toThrow(StoreOpenError);
    expect(() => openDataDirectory(dir)).toThrow(/data format 4; this node reads format 3/);
  });

  it('refuses a file that is not a database', () => {
    const dir = tempDir();
    writeFileSync(join(dir, DATABASE_FILE), 'this is not an LMDB file'.repeat(1000));
    expect(() => openDataDirectory(dir)).toThrow(StoreOpenError);
  });

  it('refuses a database that holds data but no format version (not a node data directory)', async () => {
    const dir = tempDir();
    const raw = open({ path: join(dir, DATABASE_FILE), noSubdir: true, maxDbs: 16 });
    await raw.openDB({ name: 'meta' }).put('tip', 'ab'.repeat(32));
    await raw.close();
    expect(() => openDataDirectory(dir)).toThrow(/not a node data directory/);
  });

  it('refuses a format-1 directory of an unknown later layout (format 1 says 7) instead of misreading it', async () => {
    const dir = tempDir();
    const raw = open({ path: join(dir, DATABASE_FILE), noSubdir: true, maxDbs: 16 });
    await raw.openDB({ name: 'meta' }).put('formatVersion', 7);
    await raw.close();
    expect(() => openDataDirectory(dir)).toThrow(/data format 7; this node reads format 3/);
  });

  it('migrates a format-2 directory in place: every stored block enters the block index, side branches included', async () => {
    const dir = tempDir();
    const first = openDataDirectory(dir);
    const chain = new Chain({ params: easyParams, clock: createFixedClock().now, db: new ChainDb(first.kv) });
    const trunk = buildBranch(chain.genesis, 3, { miner: alice });
    const side = buildBranch(asParent(trunk[0]!), 1, { miner: bob });
    for (const block of [...trunk, ...side]) chain.addBlock(block, undefined, { source: 'mined', peer: null });
    const expected = chain.getBlockTreeHashes(1, 10);
    expect(expected).toHaveLength(5);
    // What format 2 wrote: the same records without the block index.
    const blockAt = Keys.table(Table.blockAt);
    const indexKeys = [...first.kv.range(blockAt, prefixEnd(blockAt))].map(([key]) => key);
    first.kv.batch([...indexKeys.map((key) => del(key)), put(Keys.meta('formatVersion'), encodeMeta(2))]);
    await first.close();

    const migrated = openDir(dir);
    expect(migrated.migratedFrom).toBe(2);
    const db = new ChainDb(migrated.kv);
    expect(db.getMeta('formatVersion')).toBe(STORE_FORMAT_VERSION);
    const reopened = new Chain({ params: easyParams, clock: createFixedClock().now, db });
    expect(reopened.getBlockTreeHashes(1, 10)).toEqual(expected);
    // The arrivals were never recorded by format 2: unknown.
    expect(reopened.getArrival(reopened.tip.hash)).toBeUndefined();
  });

  it('keeps registered peers in the peer table', async () => {
    const dir = tempDir();
    const first = openDataDirectory(dir);
    const peers = new KeyValuePeerStore(first.kv);
    peers.putPeer('http://127.0.0.1:4001/graphql', 5);
    peers.putPeer('http://127.0.0.1:4002/graphql', 6);
    peers.deletePeer('http://127.0.0.1:4001/graphql');
    await first.close();
    const again = openDir(dir);
    expect(new KeyValuePeerStore(again.kv).listPeers()).toEqual([{ url: 'http://127.0.0.1:4002/graphql', addedAt: 6 }]);
  });

  it('migrates a format-1 directory written by the previous node in place: the same chain, pending and peers', async () => {
    const dir = tempDir();
    cpSync(new URL(DATABASE_FILE, FORMAT1_FIXTURE), join(dir, DATABASE_FILE));
    const expected = JSON.parse(readFileSync(new URL('expected.json', FORMAT1_FIXTURE), 'utf8'));
    const check = (directory: DataDirectory) => {
      const db = new ChainDb(directory.kv);
      const chain = new Chain({ params: easyParams, clock: createFixedClock().now, db });
      expect(chain.height).toBe(expected.height);
      expect(chain.tip.hash).toBe(expected.tip);
      expect(chain.tip.totalWork.toString()).toBe(expected.totalWork);
      expect(Array.from({ length: chain.height }, (_, i) => chain.getBlockAt(i + 1)!.hash)).toEqual(expected.best);
      for (const hash of expected.sideHashes) {
        expect(chain.getBlock(hash)?.hash).toBe(hash);
        expect(chain.isBest(hash)).toBe(false);
      }
      for (const [address, state] of Object.entries(expected.accounts))
        expect(chain.getAccount(address)).toEqual(state);
      for (const [address, ids] of Object.entries(expected.histories)) {
        expect(chain.getAccountTransactionIds(address)).toEqual(ids);
      }
      expect(db.pending.list().map(({ id, receivedAt }) => ({ id, receivedAt }))).toEqual(expected.pending);
      expect(new KeyValuePeerStore(directory.kv).listPeers()).toEqual(expected.peers);
      expect(db.getMeta('formatVersion')).toBe(3);
      // Format 3's block index came with it: the tree holds every block, side branches included.
      const tree = chain.getBlockTreeHashes(1, expected.height);
      expect(tree).toHaveLength(expected.height + expected.sideHashes.length);
      expect(tree).toEqual(expect.arrayContaining([...expected.best, ...expected.sideHashes]));
      expect(chain.getArrival(chain.tip.hash)).toBeUndefined();
      // Every block still applies: undo records, ids and cumulative work came across intact.
      expect(chain.getBlockAt(expected.height - 1)!.undo.length).toBeGreaterThan(0);
    };
    const migrated = openDataDirectory(dir);
    expect(migrated.migratedFrom).toBe(1);
    check(migrated);
    await migrated.close();
    const reopened = openDir(dir);
    expect(reopened.migratedFrom).toBeNull();
    check(reopened);
    // The old databases are gone: only the format-2 one is left.
    const raw = open({ path: join(dir, DATABASE_FILE), noSubdir: true, maxDbs: 16 });
    expect([...raw.getKeys()].map(String)).toEqual(['chain']);
    await raw.close();
  });
});
