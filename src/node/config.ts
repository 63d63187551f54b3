import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createChainParams, MAX_DIFFICULTY_BITS, type ChainParams } from '../chain/params.js';

/** The node's command-line configuration (a public contract: scripts outside the repo pass these flags). */
export interface NodeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly peers: readonly string[];
  /** The network's starting difficulty in bits; part of the genesis block. */
  readonly difficulty: number;
  /** Mine block after block from the start. */
  readonly mine: boolean;
  /** The URL peers reach this node at (default: http://host:port/graphql unless bound to every interface). */
  readonly publicUrl: string | null;
  /** Period of the automatic resync with peers, in ms (0 disables it). */
  readonly syncIntervalMs: number;
  /** Re-validate the whole stored chain before serving. */
  readonly verify: boolean;
  /** Mining worker threads; 0 mines on the main thread in short slices. */
  readonly minerThreads: number;
}

/** Thrown for a bad command line; the message names the flag and the rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const USAGE = `Usage: npm start -- [flags]
  --port <n>           port to listen on (default 4000; 0 picks a free port)
  --host <addr>        address to bind (default 127.0.0.1)
  --data-dir <path>    where the node keeps its chain database, key, mempool and peers (default ./data/<port>)
  --peers <url,url>    peers to register at start (host:port or http(s)://host:port[/graphql])
  --difficulty <bits>  the network's starting difficulty in leading zero bits (default 16; part of genesis)
  --mine               mine continuously
  --miner-threads <n>  mining worker threads (default: one per core; 0 mines on the main thread, time-sliced)
  --public-url <url>   the URL peers reach this node at; sent to peers so they register it back
  --sync-interval <ms> how often to resync with peers automatically (default 15000; 0 turns it off)
  --verify             re-validate every stored block before serving (the default start only checks the tip)
  --help               show this text`;

/** Parses and checks the command line. @throws {ConfigError} naming the flag and the rule. */
export function parseConfig(argv: readonly string[]): NodeConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        peers: { type: 'string' },
        difficulty: { type: 'string' },
        mine: { type: 'boolean' },
        'public-url': { type: 'string' },
        'sync-interval': { type: 'string' },
        verify: { type: 'boolean' },
        'miner-threads': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return 'help';
  const port = readInteger('--port', values.port ?? '4000', 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('--host must not be empty');
  const difficulty = readInteger('--difficulty', values.difficulty ?? '16', 0, MAX_DIFFICULTY_BITS);
  const peers = (values.peers ?? '')
    .split(',')
    .map((peer) => peer.trim())
    .filter((peer) => peer !== '');
  const dataDir = values['data-dir'] ?? `./data/${port}`;
  if (dataDir.trim() === '') throw new ConfigError('--data-dir must not be empty');
  const syncIntervalMs = readInteger('--sync-interval', values['sync-interval'] ?? '15000', 0, 86_400_000);
  const publicUrl = values['public-url'] ?? null;
  if (publicUrl !== null && !/^https?:\/\/[^\s/]+(\/graphql)?\/?$/.test(publicUrl)) {
    throw new ConfigError(`--public-url must be http(s)://host:port[/graphql], got "${publicUrl}"`);
  }
  return {
    port,
    host,
    dataDir,
    peers,
    difficulty,
    mine: values.mine === true,
    publicUrl,
    syncIntervalMs,
    verify: values.verify === true,
    minerThreads: readInteger('--miner-threads', values['miner-threads'] ?? String(availableParallelism()), 0, 256),
  };
}

function readInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new ConfigError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(`${flag} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/**
 * The chain parameters of the network a `--difficulty` selects: the defaults with that starting difficulty (the
 * retarget floor never above it). Every node started with the same flag derives the same genesis block.
 */
export function networkParams(difficulty: number): ChainParams {
  return createChainParams({ initialDifficulty: difficulty, minDifficulty: Math.min(8, difficulty) });
}
