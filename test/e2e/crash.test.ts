import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';

/**
 * Crash safety: one data directory, SIGKILLed again and again while it mines, gossips with a peer and accepts
 * transfers. Whatever the node acknowledged (a `send` answered TransactionAccepted, a block it returned from `mine`
 * or showed as its tip) must be there after every restart.
 *
 * Each iteration: the node mines continuously (started with --mine, or, when the previous iteration's checked node
 * carries on, switched on with the startMining mutation), a client sends and mines against it while it gossips with a
 * long-lived peer, then SIGKILL at a seeded random moment; the node is restarted without --mine and checked. Every
 * FULL_RESTART_EVERY-th iteration (and the last) also stops that checked node with SIGTERM (exit 0) so the next one
 * starts from scratch with --mine; in between, the checked node carries on, which halves the process starts (each
 * costs about a second of module loading) and keeps 50 iterations well inside the time budget.
 *
 * CRASH_ITERATIONS (default 50), CRASH_SEED and CRASH_FULL_RESTART_EVERY (default 10; 1 = a fresh --mine process
 * every iteration) override the run; the seed fixes every kill delay, peer-mining decision and recipient address,
 * so a failing run can be replayed.
 */
const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 50);
const SEED = Number(process.env.CRASH_SEED ?? 0x5eed_c0de);
const FULL_RESTART_EVERY = Math.max(1, Number(process.env.CRASH_FULL_RESTART_EVERY ?? 10));
/** Kill after this much activity, in ms (uniform). */
const KILL_AFTER_MS: readonly [number, number] = [150, 600];
/** A send only when the node's pendingBalance is at least this, so orphaned rewards never make a send invalid. */
const MIN_BALANCE_TO_SEND = 20;
const DIFFICULTY = ['--difficulty', '8'];
/**
 * The network retargets (every 10 blocks toward 10 s a block), so fast mining raises the difficulty; the peer is
 * only asked to mine while its next block needs at most this many bits, so one request stays short.
 */
const PEER_MAX_DIFFICULTY = 14;

const STATUS = '{ node { height tip { hash } } }';
const BALANCE = 'query($address: String!) { account(address: $address) { pendingBalance } }';
const SEND = `mutation($to: String!) {
  send(recipient: $to, amount: 1) { __typename ... on TransactionAccepted { transaction { id } } ... on Error { code message } }
}`;
const MINE =
  'mutation { mine { __typename ... on MineSuccess { block { index hash } } ... on Error { code message } } }';
const START_MINING = 'mutation { startMining { continuous } }';
const REGISTER =
  'mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename ... on Error { code message } } }';
/** The API allows 20 aliases per operation. */
const ALIASES_PER_QUERY = 20;

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const between = (random: () => number, min: number, max: number) => Math.floor(min + random() * (max - min + 1));
const randomAddress = (random: () => number) =>
  Array.from({ length: 64 }, () => Math.floor(random() * 16).toString(16)).join('');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tail = (text: string, lines = 40) => text.trimEnd().split('\n').slice(-lines).join('\n');

/**
 * A free port below Linux's ephemeral range (32768+), so no outgoing connection of another process can take it
 * between the restarts of the node under test.
 */
async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
    if (attempt > 100) throw new Error('no free port in 20000-31999');
  }
}

/** Where an acknowledgment came from, for failure messages. */
interface Ack {
  readonly iteration: number;
  readonly via: string;
}

/** What one iteration's client saw the node acknowledge. */
interface Activity {
  readonly transactions: Map<string, Ack>;
  readonly blocks: Map<string, Ack>;
  maxHeight: number;
  sendsRefused: string[];
  errorsWhileAlive: string[];
  minedByNode: number;
  minedByPeer: number;
}

/**
 * Looks every hash and id up on `node` (20 aliases a query) and returns the ones that are missing: blocks that
 * `block(hash:)` does not find, transactions that `transaction(id:)` does not find as CONFIRMED or PENDING.
 */
async function findMissing(
  node: NodeProcess,
  blocks: readonly string[],
  transactions: readonly string[],
): Promise<{ blocks: string[]; transactions: Array<{ id: string; found: unknown }> }> {
  const client = new GraphQLClient(node.url);
  const missingBlocks: string[] = [];
  const missingTransactions: Array<{ id: string; found: unknown }> = [];
  for (let start = 0; start < blocks.length; start += ALIASES_PER_QUERY) {
    const chunk = blocks.slice(start, start + ALIASES_PER_QUERY);
    const data = await client.request<Record<string, { hash: string } | null>>(
      `{ ${chunk.map((hash, i) => `b${i}: block(hash: "${hash}") { hash }`).join(' ')} }`,
    );
    chunk.forEach((hash, i) => {
      if (data[`b${i}`]?.hash !== hash) missingBlocks.push(hash);
    });
  }
  for (let start = 0; start < transactions.length; start += ALIASES_PER_QUERY) {
    const chunk = transactions.slice(start, start + ALIASES_PER_QUERY);
    const data = await client.request<Record<string, { id: string; status: string } | null>>(
      `{ ${chunk.map((id, i) => `t${i}: transaction(id: "${id}") { id status }`).join(' ')} }`,
    );
    chunk.forEach((id, i) => {
      const found = data[`t${i}`];
      if (found?.id !== id || !['CONFIRMED', 'PENDING'].includes(found.status)) missingTransactions.push({ id, found });
    });
  }
  return { blocks: missingBlocks, transactions: missingTransactions };
}

const running = new Set<NodeProcess>();
const dataDir = mkdtempSync(join(tmpdir(), 'gql-crash-'));

async function start(flags: readonly string[], existingDataDir?: string): Promise<NodeProcess> {
  const node = await startNodeProcess(flags, 20_000, existingDataDir);
  running.add(node);
  return node;
}

async function stop(node: NodeProcess, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
  running.delete(node);
  if (signal === 'SIGKILL') node.child.kill('SIGKILL');
  return node.stop();
}

afterAll(async () => {
  await Promise.all([...running].map((node) => node.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('crash safety', () => {
  it(
    `keeps every acknowledged block and transaction across ${ITERATIONS} SIGKILLs`,
    async () => {
      const began = Date.now();
      const schedule = prng(SEED);
      const addresses = prng(SEED ^ 0xa5a5_a5a5);
      // A fixed port, so the peer's registration of the node stays valid across restarts and it gossips back.
      const port = await freeFixedPort();
      const nodeFlags = [...DIFFICULTY, '--port', String(port), '--sync-interval', '1000'];
      const peer = await start([...DIFFICULTY, '--sync-interval', '1000']);
      const peerClient = new GraphQLClient(peer.url);

      const allTransactions = new Map<string, Ack>();
      const allBlocks = new Map<string, Ack>();
      let maxHeight = 1;
      let nodeAddress: string | undefined;
      let sendsRefused = 0;
      let minedByNode = 0;
      let minedByPeer = 0;
      let freshStarts = 0;
      /** The node checked at the end of the previous iteration, when it carries on into this one. */
      let carriedOn: NodeProcess | undefined;

      for (let iteration = 0; iteration < ITERATIONS; iteration++) {
        const killAfterMs = between(schedule, KILL_AFTER_MS[0], KILL_AFTER_MS[1]);
        const peerMinesAtMs = schedule() < 0.4 ? between(schedule, 0, killAfterMs) : null;
        const mineEveryMs = between(schedule, 40, 150);

        const node = carriedOn ?? (await start([...nodeFlags, '--mine'], dataDir));
        const client = new GraphQLClient(node.url);
        const context = () => `iteration ${iteration} (seed ${SEED}, killed after ${killAfterMs} ms)`;
        if (carriedOn === undefined) freshStarts++;
        else {
          const { startMining } = await client.request<any>(START_MINING);
          expect(startMining.continuous).toBe(true);
        }
        if (nodeAddress === undefined) {
          nodeAddress = (await client.request<{ node: { address: string } }>('{ node { address } }')).node.address;
        }
        // Registered once for good (the data directory keeps it); re-registering a known peer is a no-op.
        const registered = await client.request<any>(REGISTER, { urls: [peer.url] });
        expect(registered.registerNodes.__typename, JSON.stringify(registered)).toBe('RegisterNodesSuccess');

        const activity: Activity = {
          transactions: new Map(),
          blocks: new Map(),
          maxHeight: 0,
          sendsRefused: [],
          errorsWhileAlive: [],
          minedByNode: 0,
          minedByPeer: 0,
        };
        let alive = true;
        const onError = (what: string) => (error: unknown) => {
          if (alive) activity.errorsWhileAlive.push(`${what}: ${(error as Error).message.split('\n')[0]}`);
        };
        const ackBlock = (hash: string, index: number, via: string) => {
          if (!activity.blocks.has(hash)) activity.blocks.set(hash, { iteration, via });
          activity.maxHeight = Math.max(activity.maxHeight, index);
        };

        const sendLoop = async () => {
          while (alive) {
            try {
              const { account } = await client.request<any>(BALANCE, { address: nodeAddress });
              if (account.pendingBalance < MIN_BALANCE_TO_SEND) {
                await sleep(10);
                continue;
              }
              const sent = await client.request<any>(SEND, { to: randomAddress(addresses) });
              if (sent.send.__typename === 'TransactionAccepted') {
                activity.transactions.set(sent.send.transaction.id, { iteration, via: 'send' });
              } else {
                activity.sendsRefused.push(`${sent.send.code}: ${sent.send.message}`);
              }
            } catch (error) {
              onError('send')(error);
              await sleep(10);
            }
          }
        };
        const mineLoop = async () => {
          while (alive) {
            await sleep(mineEveryMs);
            if (!alive) break;
            try {
              const mined = await client.request<any>(MINE);
              if (mined.mine.__typename === 'MineSuccess') {
                activity.minedByNode++;
                ackBlock(mined.mine.block.hash, mined.mine.block.index, 'mine');
              }
            } catch (error) {
              onError('mine')(error);
            }
          }
        };
        const tipLoop = async () => {
          while (alive) {
            try {
              const { node: info } = await client.request<any>(STATUS);
              ackBlock(info.tip.hash, info.height, 'tip');
            } catch (error) {
              onError('tip')(error);
            }
            await sleep(25);
          }
        };
        const peerMine = async () => {
          if (peerMinesAtMs === null) return;
          await sleep(peerMinesAtMs);
          const { node: peerInfo } = await peerClient.request<any>('{ node { difficulty } }');
          if (peerInfo.difficulty > PEER_MAX_DIFFICULTY) return;
          const mined = await peerClient.request<any>(MINE);
          expect(mined.mine.__typename, JSON.stringify(mined)).toBe('MineSuccess');
          activity.minedByPeer++;
        };

        const loops = [sendLoop(), mineLoop(), tipLoop()];
        // Settled here so a failure is reported with the iteration, not as an unhandled rejection.
        const peerMining = peerMine().then(
          () => undefined,
          (error: unknown) => error as Error,
        );
        await sleep(killAfterMs);
        alive = false;
        const killedOutput = () => node.output();
        expect(await stop(node, 'SIGKILL')).toBeNull();
        await Promise.all(loops);
        const peerFailure = await peerMining;
        if (peerFailure !== undefined)
          throw new Error(`${context()}: mine on the peer failed: ${peerFailure.message}\n${tail(peer.output())}`);

        // Restart without --mine: it must come up, and hold everything it acknowledged (stored is what counts, so a
        // block a reorg moved to a side branch still passes; a transaction may be CONFIRMED or PENDING).
        let restarted: NodeProcess;
        try {
          restarted = await start(nodeFlags, dataDir);
        } catch (error) {
          throw new Error(
            `${context()}: the node did not restart after SIGKILL.\n--- restart ---\n${tail((error as Error).message)}\n` +
              `--- the killed run (tail) ---\n${tail(killedOutput())}`,
          );
        }
        const blocks = [...activity.blocks.keys()];
        const transactions = [...activity.transactions.keys()];
        const missing = await findMissing(restarted, blocks, transactions);
        const { node: after } = await new GraphQLClient(restarted.url).request<any>(STATUS);
        if (missing.blocks.length > 0 || missing.transactions.length > 0) {
          const logOf = (id: string) =>
            killedOutput()
              .split('\n')
              .filter((line) => line.includes(id))
              .join('\n');
          throw new Error(
            `${context()}: acknowledged data missing after restart (height now ${after.height}, ` +
              `highest acknowledged ${activity.maxHeight}).\n` +
              `blocks missing (${missing.blocks.length}/${blocks.length}): ` +
              `${missing.blocks.map((hash) => `${hash} via ${activity.blocks.get(hash)!.via}`).join(', ')}\n` +
              `transactions missing (${missing.transactions.length}/${transactions.length}): ${JSON.stringify(missing.transactions)}\n` +
              `killed run's log lines for them:\n${[...missing.blocks, ...missing.transactions.map((t) => t.id)].map(logOf).join('\n')}\n` +
              `--- the killed run (tail) ---\n${tail(killedOutput())}\n--- the restarted run (tail) ---\n${tail(restarted.output())}`,
          );
        }
        expect(after.height, `${context()}: the restarted chain is shorter than acknowledged`).toBeGreaterThanOrEqual(
          activity.maxHeight,
        );
        if ((iteration + 1) % FULL_RESTART_EVERY === 0 || iteration === ITERATIONS - 1) {
          const stopCode = await stop(restarted);
          expect(stopCode, `${context()}: SIGTERM must exit 0\n${tail(restarted.output())}`).toBe(0);
          carriedOn = undefined;
        } else {
          carriedOn = restarted;
        }

        for (const [hash, ack] of activity.blocks) if (!allBlocks.has(hash)) allBlocks.set(hash, ack);
        for (const [id, ack] of activity.transactions) allTransactions.set(id, ack);
        maxHeight = Math.max(maxHeight, activity.maxHeight, after.height);
        sendsRefused += activity.sendsRefused.length;
        minedByNode += activity.minedByNode;
        minedByPeer += activity.minedByPeer;
        expect(activity.errorsWhileAlive, `${context()}: requests failed while the node was up`).toEqual([]);
      }

      // Distinct hashes; a block first acknowledged as a mine result counts there, not as a tip.
      const observedTips = [...allBlocks.values()].filter((ack) => ack.via === 'tip').length;
      const summary =
        `crash summary: iterations=${ITERATIONS} seed=${SEED} freshMineStarts=${freshStarts} acknowledgedTransactions=${allTransactions.size} ` +
        `acknowledgedBlocks=${allBlocks.size} (minedViaMutation=${minedByNode} tipsObserved=${observedTips}) ` +
        `peerBlocks=${minedByPeer} sendsRefused=${sendsRefused} maxHeightSeen=${maxHeight} elapsedMs=${Date.now() - began}`;
      console.log(summary);

      // One last start re-validating every stored block; everything acknowledged in any iteration is still there.
      const verified = await start([...nodeFlags, '--verify'], dataDir).catch((error: Error) => {
        throw new Error(`--verify refused the stored chain after ${ITERATIONS} crashes:\n${tail(error.message)}`);
      });
      const match = /chain\.verified height=(\d+)/.exec(verified.output());
      expect(match, tail(verified.output())).not.toBeNull();
      // The verified (stored) chain holds every height seen; the node may adopt more from the peer right after.
      expect(Number(match![1]), tail(verified.output())).toBeGreaterThanOrEqual(maxHeight);
      const { chain } = await new GraphQLClient(verified.url).request<any>('{ chain { length } }');
      expect(chain.length).toBeGreaterThanOrEqual(Number(match![1]));
      const missing = await findMissing(verified, [...allBlocks.keys()], [...allTransactions.keys()]);
      expect(missing, tail(verified.output())).toEqual({ blocks: [], transactions: [] });
      expect(await stop(verified)).toBe(0);
      await stop(peer);
      console.log(`crash verified: height=${match![1]} chainLength=${chain.length} totalMs=${Date.now() - began}`);
    },
    // 3 minutes for the default run; longer only when the environment asks for more work.
    Math.max(180_000, ITERATIONS * (FULL_RESTART_EVERY === 1 ? 5_000 : 3_000) + 30_000),
  );
});
