/**
 * `start` (and a command line that begins with a flag, or is empty): the composition root. Parses the node flags,
 * builds the node (key, chain, miner, peers), serves GraphQL and GraphiQL, logs one line per event, and exits cleanly
 * on SIGINT/SIGTERM. The flags are a public contract (README "Flags").
 */
import { readFileSync } from 'node:fs';
import { defaultAllowedHosts } from '../api/hostCheck.js';
import { TrustedProxies } from '../api/rateLimit.js';
import { startServer } from '../api/server.js';
import { SubscriptionMultiplexer } from '../api/subscriptionMultiplexer.js';
import { loadTrustedDocuments } from '../api/trustedDocuments.js';
import { GenesisMismatchError, StoreInconsistentError } from '../chain/chain.js';
import { ChainDb } from '../chain/db/chainDb.js';
import { verifyChain } from '../chain/verifyChain.js';
import { MainThreadMiner } from '../mining/mainThreadMiner.js';
import { WorkerMiner } from '../mining/workerMiner.js';
import { ConfigError, networkParams, parseConfig, USAGE } from '../node/config.js';
import { Node } from '../node/node.js';
import { loadOrCreateNodeKey, NodeKeyError } from '../node/nodeKey.js';
import { KeyValuePeerStore } from '../node/peerStore.js';
import { PeerClient } from '../peer/peerClient.js';
import { openDataDirectory, StoreOpenError } from '../storage/dataDirectory.js';
import { createTurnLog } from './turnLog.js';

/** The node's standard output: one write per event-loop turn, flushed when the process exits. */
const output = createTurnLog((text) => process.stdout.write(text));

function log(event: string, fields: Record<string, unknown> = {}): void {
  const parts = Object.entries(fields).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  output.line(`${new Date().toISOString()} ${event}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`);
}

/** The URL peers can reach a node at when none is given: its bind address, unless that is every interface. */
function defaultPublicUrl(host: string, port: number): string | null {
  if (host === '0.0.0.0' || host === '::') return null;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
}

/** How to learn about the other commands, printed after the node flags' usage. */
const COMMANDS_HINT =
  'Other commands: start, devnet, wallet, send, mine, chain, peers, resolve, help (`node-cli <command> --help`).';

async function startNode(argv: readonly string[], beforeWarmUp?: () => void): Promise<void> {
  const config = parseConfig(argv, process.env);
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n\n${COMMANDS_HINT}\n`);
    return;
  }
  // Whatever ends the process (a signal, a failure), the log lines of its last turn are written first.
  process.on('exit', () => output.flush());
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  const { wallet, created } = await loadOrCreateNodeKey(config.dataDir);
  const store = openDataDirectory(config.dataDir);
  if (store.migratedFrom !== null) log('store.migrated', { from: store.migratedFrom, path: store.path });
  const node = new Node({
    db: new ChainDb(store.kv),
    peerStore: new KeyValuePeerStore(store.kv),
    params: networkParams(config.difficulty),
    wallet,
    miner: config.minerThreads === 0 ? new MainThreadMiner() : new WorkerMiner({ threads: config.minerThreads }),
    clock: () => Date.now(),
    connectPeer: (url) => new PeerClient(url),
    version,
    log,
    mempoolSize: config.mempoolSize,
    network: {
      // Resolved once the port is known (port 0 picks one); see below.
      publicUrl: null,
      syncIntervalMs: config.syncIntervalMs,
      peerAllowList: config.peerAllowList,
    },
  });
  if (config.verify) {
    const started = Date.now();
    const verification = verifyChain(node.chain, Date.now());
    if (!verification.ok) {
      throw new StartupError(
        `--verify: block ${verification.index} of the stored chain is invalid: ${verification.reason}`,
      );
    }
    log('chain.verified', { height: verification.height, accounts: verification.accounts, ms: Date.now() - started });
  }
  const server = await startServer(node, {
    ...(beforeWarmUp === undefined ? {} : { beforeWarmUp }),
    host: config.host,
    port: config.port,
    limits: config.limits,
    corsOrigins: config.corsOrigins,
    graphiql: config.graphiql,
    introspection: config.introspection,
    allowedHosts: config.allowedHosts ?? defaultAllowedHosts(config.host, config.publicUrl),
    trustedProxies: new TrustedProxies(config.trustedProxies),
    responseCache: config.responseCacheEntries === 0 ? null : { maxEntries: config.responseCacheEntries },
    ...(config.adminToken === null ? {} : { adminToken: config.adminToken }),
    ...(config.trustedDocuments ? { trustedDocuments: await loadTrustedDocuments() } : {}),
    // A benchmark's figure (bench/subscriptions.bench.ts): a line per write loop of a shared stream, when it ended.
    ...(process.env['NODE_BENCH_FANOUT_LOG'] === 'on'
      ? {
          multiplexSubscriptions: new SubscriptionMultiplexer({
            onFanOut: (fanOut) =>
              log('subscription.fanOut', {
                subscribers: fanOut.subscribers,
                stampMs: Number(fanOut.stampMs.toFixed(2)),
                writeMs: Number(fanOut.writeMs.toFixed(2)),
                writeCpuMs: Number(fanOut.writeCpuMs.toFixed(2)),
              }),
          }),
        }
      : {}),
    // A benchmark's baseline (bench/subscriptions.bench.ts): every subscription executed on its own.
    ...(process.env['NODE_SUBSCRIPTION_MULTIPLEXING'] === 'off' ? { multiplexSubscriptions: false } : {}),
    // Another: SSE frames streamed through each response's web stream, not written to the socket (rawSse.ts).
    ...(process.env['NODE_RAW_SSE'] === 'off' ? { rawSse: false } : {}),
    // Another: each shared subscriber read through its own iterator, not written by the shared stream's loop.
    ...(process.env['NODE_SUBSCRIPTION_SINKS'] === 'off' ? { subscriptionSinks: false } : {}),
  });
  node.setPublicUrl(config.publicUrl ?? defaultPublicUrl(config.host, server.port));
  const initialSync = node.start(config.peers);
  log('node.started', {
    address: wallet.address,
    keyFile: created ? 'created' : 'loaded',
    dataDir: config.dataDir,
    publicUrl: node.publicUrl,
    genesis: node.chain.genesis.hash,
    difficulty: config.difficulty,
    height: node.chain.height,
    tip: node.chain.tip.hash,
    minerThreads: config.minerThreads,
    adminToken: config.adminToken === null ? 'none' : 'set',
    allowedHosts: (config.allowedHosts ?? defaultAllowedHosts(config.host, config.publicUrl)).join(','),
    trustedDocuments: config.trustedDocuments ? 'only' : 'off',
    rateLimit:
      config.limits.rateLimit == null
        ? 'off'
        : `${config.limits.rateLimit.perSecond}/s,burst=${config.limits.rateLimit.burst}`,
    trustedProxies: config.trustedProxies.length === 0 ? 'none' : config.trustedProxies.join(','),
    pending: node.mempool.size,
    peers: node.peers.size,
    // performance.now() counts from the start of the process: this is what a restart costs before the API answers.
    startupMs: Math.round(performance.now()),
  });
  log('graphiql', {
    url: server.url,
    on: config.graphiql && !config.trustedDocuments,
    introspection: config.introspection,
    ...(config.trustedDocuments ? { editor: 'off' } : {}),
  });
  // With --trusted-documents the address serves a page that says why there is no editor (and the API, as always).
  output.line(
    config.trustedDocuments
      ? `GraphiQL: ${server.url} (off: trusted documents only)`
      : config.graphiql
        ? `GraphiQL: ${server.url}`
        : `GraphQL: ${server.url} (GraphiQL is off: --no-graphiql, or a non-loopback --host; --graphiql turns it on)`,
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log('node.stopping', { signal });
    node.close();
    await server.close();
    await store.close();
    log('node.stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  try {
    const { added, resolution } = await initialSync;
    for (const peer of added) log('peer.status', { url: peer.url, status: peer.status, error: peer.lastError });
    if (resolution !== null) log('resolve.done', { replaced: resolution.replaced, height: node.chain.height });
  } catch (error) {
    log('peers.error', { error: (error as Error).message });
  }
  if (stopping) return;
  // Ready: serving, with the initial sync (if any peers) behind it; GET /readyz answers 200 from here on.
  log('node.ready', { height: node.chain.height, peers: node.peers.size, startupMs: Math.round(performance.now()) });
  if (config.mine) {
    log('mining.started');
    node.startMining();
  }
}

/** A refusal to start that the operator must act on (bad data directory, failed verification). */
class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Starts a node from its flags and keeps it running until SIGINT/SIGTERM (exit 0). A refusal to start prints one
 * line and exits 2; anything unexpected prints its stack and exits 1.
 */
/** Starts a node from its command line; `beforeWarmUp` runs just before the server's warm-up query (startServer). */
export function runStart(argv: readonly string[], beforeWarmUp?: () => void): void {
  startNode(argv, beforeWarmUp).catch(exitOnStartFailure);
}

function exitOnStartFailure(error: unknown): never {
  // Known refusals print one clear line and exit 2 (a supervisor should not restart into the same failure).
  const known = [
    ConfigError,
    NodeKeyError,
    StoreOpenError,
    GenesisMismatchError,
    StoreInconsistentError,
    StartupError,
  ].some((type) => error instanceof type);
  if (error instanceof GenesisMismatchError) {
    process.stderr.write(
      `the data directory belongs to another network (a different --difficulty?): ${error.message}\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`${known ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(known ? 2 : 1);
}
