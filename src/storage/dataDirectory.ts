import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import type { KeyValueStore } from '../chain/db/keyValue.js';
import { decodeMeta, encodeMeta, Keys } from '../chain/db/records.js';
import { assertLmdbFile, StoreOpenError } from './lmdbFile.js';
import { LmdbKeyValueStore } from './lmdbKeyValue.js';
import { migrateFormat1 } from './migrateFormat1.js';

export { StoreOpenError } from './lmdbFile.js';

/**
 * Format of the data directory. Bump it whenever a stored layout changes, and migrate the previous format in place
 * at open (format 1, a database per table, is migrated by migrateFormat1.ts); other formats are refused.
 */
export const STORE_FORMAT_VERSION = 2;

/** Name of the database file inside the data directory. */
export const DATABASE_FILE = 'chain.lmdb';

/** The LMDB database that holds everything in format 2. */
const CHAIN_DATABASE = 'chain';

/** An open data directory: the key-value store the chain database and the peer store sit on. */
export interface DataDirectory {
  readonly path: string;
  readonly kv: KeyValueStore;
  /** The format the directory was migrated from at this open, or null. */
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
    const migratedFrom = checkFormat(path, root, db);
    return { path, kv: new LmdbKeyValueStore(db), migratedFrom, close: () => root.close() };
  } catch (error) {
    void root.close();
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(`${path} is unreadable: ${(error as Error).message}`);
  }
}

/** Checks (or records) the format version; migrates format 1. Returns the format migrated from, or null. */
function checkFormat(path: string, root: RootDatabase, db: Database<Buffer, Buffer>): number | null {
  const stored = db.get(Buffer.from(Keys.meta('formatVersion')));
  if (stored !== undefined) {
    const version = decodeMeta(stored);
    if (version !== STORE_FORMAT_VERSION) throw otherFormat(path, version);
    return null;
  }
  const names = new Set([...root.getKeys()].map(String));
  names.delete(CHAIN_DATABASE);
  const legacy = names.has('meta') ? root.openDB({ name: 'meta' }) : undefined;
  const legacyVersion = legacy?.get('formatVersion');
  if (legacyVersion === 1) {
    migrateFormat1(root, db);
    return 1;
  }
  if (legacyVersion !== undefined) throw otherFormat(path, legacyVersion);
  if (legacy?.get('tip') !== undefined || [...names].some((name) => name !== 'meta')) {
    throw new StoreOpenError(`${path} holds data without a format version: it is not a node data directory`);
  }
  db.putSync(Buffer.from(Keys.meta('formatVersion')), Buffer.from(encodeMeta(STORE_FORMAT_VERSION)));
  return null;
}

function otherFormat(path: string, version: unknown): StoreOpenError {
  return new StoreOpenError(
    `${path} has data format ${JSON.stringify(version)}; this node reads format ${STORE_FORMAT_VERSION}. ` +
      'Use a node version that matches, or start with another --data-dir.',
  );
}
