import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { backfillBlockIndex } from '../chain/db/backfillBlockIndex.js';
import type { KeyValueStore } from '../chain/db/keyValue.js';
import { decodeMeta, encodeMeta, Keys } from '../chain/db/records.js';
import { assertLmdbFile, StoreOpenError } from './lmdbFile.js';
import { LmdbKeyValueStore } from './lmdbKeyValue.js';
import { migrateFormat1 } from './migrateFormat1.js';

export { StoreOpenError } from './lmdbFile.js';

/**
 * Format of the data directory. Bump it whenever a stored layout changes, and migrate the previous format in place
 * at open (format 1, a database per table, is migrated by migrateFormat1.ts to format 2; format 2 lacks the blockAt
 * table of every block by index, which backfillBlockIndex.ts adds); other formats are refused. A node that reads an
 * older format refuses a newer one, so it never writes blocks that the newer format's tables would miss.
 */
export const STORE_FORMAT_VERSION = 3;

/** Name of the database file inside the data directory. */
export const DATABASE_FILE = 'chain.lmdb';

/** The LMDB database that holds everything since format 2. */
const CHAIN_DATABASE = 'chain';

/** An open data directory: the key-value store the chain database and the peer store sit on. */
export interface DataDirectory {
  readonly path: string;
  readonly kv: KeyValueStore;
  /** The format the directory was migrated from at this open (1 or 2), or null. */
  readonly migratedFrom: number | null;
  close(): Promise<void>;
}

/**
 * Opens (or creates) the database in `dataDir`, checking its format and migrating format 1 in place.
 * @throws {StoreOpenError} when the directory holds another format or something that is not this node's database.
 */
export function openDataDirectory(dataDir: string): DataDirectory {
  const path = join(dataDir, DATABASE_FILE);
  assertLmdbFile(path);
  let root: RootDatabase;
  try {
    mkdirSync(dataDir, { recursive: true });
    // overlappingSync off: a commit returns only once it is flushed, so what we acknowledge survives a power loss.
    root = open({ path, maxDbs: 16, compression: false, noSubdir: true, overlappingSync: false });
  } catch (error) {
    throw new StoreOpenError(`cannot open ${path} as a node database: ${(error as Error).message}`);
  }
  try {
    const db: Database<Buffer, Buffer> = root.openDB({
      name: CHAIN_DATABASE,
      keyEncoding: 'binary',
      encoding: 'binary',
    });
    const kv = new LmdbKeyValueStore(db);
    const migratedFrom = checkFormat(path, root, db, kv);
    return { path, kv, migratedFrom, close: () => root.close() };
  } catch (error) {
    void root.close();
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`${path} is unreadable: ${(error as Error).message}`);
  }
}

/** Checks (or records) the format version; migrates formats 1 and 2. Returns the format migrated from, or null. */
function checkFormat(
  path: string,
  root: RootDatabase,
  db: Database<Buffer, Buffer>,
  kv: LmdbKeyValueStore,
): number | null {
  const stored = db.get(Buffer.from(Keys.meta('formatVersion')));
  if (stored !== undefined) {
    const version = decodeMeta(stored);
    if (version === 2) {
      migrateFormat2(kv);
      return 2;
    }
    if (version !== STORE_FORMAT_VERSION) throw otherFormat(path, version);
    return null;
  }
  const names = new Set([...root.getKeys()].map(String));
  names.delete(CHAIN_DATABASE);
  const legacy = names.has('meta') ? root.openDB({ name: 'meta' }) : undefined;
  const legacyVersion = legacy?.get('formatVersion');
  if (legacyVersion === 1) {
    migrateFormat1(root, db);
    migrateFormat2(kv);
    return 1;
  }
  if (legacyVersion !== undefined) throw otherFormat(path, legacyVersion);
  if (legacy?.get('tip') !== undefined || [...names].some((name) => name !== 'meta')) {
    throw new StoreOpenError(`${path} holds data without a format version: it is not a node data directory`);
  }
  db.putSync(Buffer.from(Keys.meta('formatVersion')), Buffer.from(encodeMeta(STORE_FORMAT_VERSION)));
  return null;
}

/**
 * Format 2 → 3: adds the blockAt entry of every stored block (their arrival unknown), then records format 3. A crash
 * part-way leaves format 2, and the next open backfills again (it is idempotent).
 */
function migrateFormat2(kv: LmdbKeyValueStore): void {
  backfillBlockIndex(kv);
  kv.put(Keys.meta('formatVersion'), encodeMeta(3));
}

function otherFormat(path: string, version: unknown): StoreOpenError {
  return new StoreOpenError(
    `${path} has data format ${JSON.stringify(version)}; this node reads format ${STORE_FORMAT_VERSION}. ` +
      'Use a node version that matches, or start with another --data-dir.',
  );
}
