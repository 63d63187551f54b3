import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HeaderTemplate } from '../../src/chain/block.js';
import type { BlockHeader } from '../../src/chain/types.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import type { Miner } from '../../src/mining/miner.js';
import { ConfigError, type NodeConfig, parseConfig } from '../../src/node/config.js';
import { Node, type NodeOptions } from '../../src/node/node.js';
import { loadOrCreateNodeKey, NodeKeyError } from '../../src/node/nodeKey.js';
import { mineBlock } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { bob, testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';

/** A miner that waits until released, so a test can change the tip while a job is in flight. */
class GatedMiner implements Miner {
  readonly templates: HeaderTemplate[] = [];
  #release: (() => void) | undefined;
  readonly #inner = new MainThreadMiner();

  async mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader> {
    this.templates.push(template);
    await new Promise<void>((resolve, reject) => {
      this.#release = resolve;
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    return this.#inner.mine(template, signal);
  }

  release(): void {
    this.#release?.();
  }

  stats() {
    return this.#inner.stats();
  }
}

/** A miner whose warm-up the test settles by hand. */
class WarmableMiner extends MainThreadMiner {
  warmCalls = 0;
  #settle: { resolve: () => void; reject: (error: Error) => void } | undefined;

  warm(): Promise<void> {
    this.warmCalls++;
    return new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }

  finishWarmUp(error?: Error): void {
    if (error === undefined) this.#settle?.resolve();
    else this.#settle?.reject(error);
  }
}

function createNode(miner: Miner = new MainThreadMiner(), log?: NodeOptions['log']) {
  const clock = createFixedClock();
  const node = new Node({
    params: easyParams,
    wallet: testWallet('node-test'),
    miner,
    ...(log === undefined ? {} : { log }),
    clock: clock.now,
    connectPeer: () => {
      throw new Error('no peers in this test');
    },
  });
  return { node, clock };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Node mining', () => {
  it('mines a block with the reward to its own address and the pending transactions', async () => {
    const { node } = createNode();
    const first = await node.mine();
    expect(first.block.transactions).toEqual([
      { sender: '0', recipient: node.wallet.address, amount: 1, nonce: 2, signature: null },
    ]);
    const sent = node.send(bob.address, 1);
    expect(sent.ok).toBe(true);
    const second = await node.mine();
    expect(second.block.transactions).toHaveLength(2);
    expect(node.mempool.size).toBe(0);
    expect(node.chain.getAccount(bob.address).balance).toBe(1);
  });

  it('serves concurrent mine requests one after the other, each on the new tip', async () => {
    const { node } = createNode();
    const [a, b] = await Promise.all([node.mine(), node.mine()]);
    expect(a.block.header.index).toBe(2);
    expect(b.block.header.index).toBe(3);
    expect(b.block.header.previousHash).toBe(a.hash);
  });

  it('abandons a job when another block becomes the tip and mines again on the new tip', async () => {
    const miner = new GatedMiner();
    const { node } = createNode(miner);
    const mined = node.mine();
    await tick();
    expect(miner.templates).toHaveLength(1);
    const competing = mineBlock({ chain: node.chain, miner: testWallet('someone-else') });
    expect(node.submitBlock(competing).status).toBe('extended');
    await tick();
    expect(miner.templates).toHaveLength(2);
    expect(miner.templates[1]!.index).toBe(3);
    miner.release();
    const block = await mined;
    expect(block.block.header.index).toBe(3);
    expect(node.chain.tip.hash).toBe(block.hash);
  });

  it('reports mining as active only while a job runs', async () => {
    const miner = new GatedMiner();
    const { node } = createNode(miner);
    expect(node.mining).toBe(false);
    const mined = node.mine();
    await tick();
    expect(node.mining).toBe(true);
    miner.release();
    await mined;
    expect(node.mining).toBe(false);
  });

  it('rejects a pending mine request when the node closes', async () => {
    const miner = new GatedMiner();
    const { node } = createNode(miner);
    const mined = node.mine();
    await tick();
    node.close();
    await expect(mined).rejects.toThrow(/shutting down/);
  });

  it('mines continuously with startMining until stopMining', async () => {
    const { node } = createNode();
    node.startMining();
    while (node.chain.height < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    node.stopMining();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const height = node.chain.height;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(node.chain.height).toBe(height);
  });
});

describe('Node miner warm-up', () => {
  it('warms the miner up when the node starts, before any mine, and logs miner.ready once it is', async () => {
    const miner = new WarmableMiner();
    const events: string[] = [];
    const { node } = createNode(miner, (event) => events.push(event));
    expect(miner.warmCalls).toBe(0);
    await node.start();
    expect(miner.warmCalls).toBe(1);
    expect(events).not.toContain('miner.ready');
    miner.finishWarmUp();
    await tick();
    expect(events).toContain('miner.ready');
    expect(node.chain.height).toBe(1);
    node.close();
  });

  it('logs a failed warm-up as miner.error and keeps running (a mine starts the miner again)', async () => {
    const miner = new WarmableMiner();
    const logged: Array<[string, Record<string, unknown> | undefined]> = [];
    const { node } = createNode(miner, (event, fields) => logged.push([event, fields]));
    await node.start();
    miner.finishWarmUp(new Error('no threads today'));
    await tick();
    expect(logged).toContainEqual(['miner.error', { error: 'no threads today' }]);
    expect((await node.mine()).block.header.index).toBe(2);
    node.close();
  });

  it('logs nothing about a warm-up that ends after the node closed', async () => {
    const miner = new WarmableMiner();
    const events: string[] = [];
    const { node } = createNode(miner, (event) => events.push(event));
    await node.start();
    node.close();
    miner.finishWarmUp(new Error('terminated'));
    await tick();
    expect(events.filter((event) => event.startsWith('miner.'))).toEqual([]);
  });
});

describe('Node wallet and expected block index', () => {
  it('gives consecutive sends consecutive nonces and the next block index', async () => {
    const { node } = createNode();
    await node.mine();
    await node.mine();
    const first = node.send(bob.address, 1);
    const second = node.send(bob.address, 1);
    expect(first.ok && first.pending.transaction.nonce).toBe(0);
    expect(second.ok && second.pending.transaction.nonce).toBe(1);
    expect(first.ok && first.expectedBlockIndex).toBe(4);
    const third = node.send(bob.address, 1);
    expect(third).toMatchObject({ ok: false, rejection: { code: 'INSUFFICIENT_BALANCE' } });
  });

  it('answers each accepted transfer with the block its place in the queue fills, two transfers a block', async () => {
    const clock = createFixedClock();
    const node = new Node({
      params: { ...easyParams, maxTransactionsPerBlock: 3 },
      wallet: testWallet('node-test-small-blocks'),
      miner: new MainThreadMiner(),
      clock: clock.now,
      connectPeer: () => {
        throw new Error('no peers in this test');
      },
    });
    for (let i = 0; i < 5; i++) await node.mine();
    const indexes = [];
    for (let i = 0; i < 5; i++) {
      const sent = node.send(bob.address, 1);
      if (!sent.ok) throw new Error(sent.rejection.message);
      expect(node.expectedBlockIndex(sent.pending.id)).toBe(sent.expectedBlockIndex);
      indexes.push(sent.expectedBlockIndex);
    }
    expect(indexes).toEqual([7, 7, 8, 8, 9]);
  });
});

describe('node key (identity survives restarts)', () => {
  it('creates a key on first start, readable only by its owner, and loads the same one later', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-key-'));
    try {
      const first = await loadOrCreateNodeKey(dir);
      expect(first.created).toBe(true);
      expect(statSync(join(dir, 'node-key.json')).mode & 0o777).toBe(0o600);
      const second = await loadOrCreateNodeKey(dir);
      expect(second).toEqual({ wallet: first.wallet, created: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a corrupt key file with a clear error instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'node-key-'));
    try {
      writeFileSync(join(dir, 'node-key.json'), '{"privateKey": "zz"}');
      await expect(loadOrCreateNodeKey(dir)).rejects.toThrow(NodeKeyError);
      expect(readFileSync(join(dir, 'node-key.json'), 'utf8')).toBe('{"privateKey": "zz"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('command line', () => {
  it('reads the contract flags with their defaults', () => {
    expect(parseConfig([])).toEqual({
      port: 4000,
      host: '127.0.0.1',
      dataDir: './data/4000',
      peers: [],
      difficulty: 16,
      mine: false,
      publicUrl: null,
      syncIntervalMs: 15_000,
      verify: false,
      minerThreads: availableParallelism(),
      adminToken: null,
      peerAllowList: [],
      corsOrigins: [],
      allowedHosts: null,
      graphiql: true,
      introspection: true,
      trustedDocuments: false,
      trustedProxies: [],
      responseCacheEntries: 1_000,
      mempoolSize: 10_000,
      limits: { rateLimit: null },
    });
    expect(
      parseConfig([
        '--port',
        '4001',
        '--host',
        '0.0.0.0',
        '--admin-token',
        'a-long-enough-token',
        '--data-dir',
        '/tmp/x',
        '--peers',
        'a:1, http://b:2',
        '--difficulty',
        '12',
        '--mine',
        '--public-url',
        'http://node.example:4001/graphql',
        '--sync-interval',
        '500',
        '--verify',
        '--miner-threads',
        '3',
        '--peer-allow',
        'a:1, b',
        '--request-timeout',
        '5000',
        '--max-depth',
        '8',
        '--max-cost',
        '200000',
        '--cors-origin',
        'http://localhost:5173',
        '--trusted-documents',
        '--trusted-proxies',
        '10.0.0.0/8, 192.0.2.7,2001:db8::/32',
        '--response-cache',
        '0',
      ]),
    ).toEqual({
      port: 4001,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      peers: ['a:1', 'http://b:2'],
      difficulty: 12,
      mine: true,
      publicUrl: 'http://node.example:4001/graphql',
      syncIntervalMs: 500,
      verify: true,
      minerThreads: 3,
      adminToken: 'a-long-enough-token',
      peerAllowList: ['a:1', 'b'],
      corsOrigins: ['http://localhost:5173'],
      allowedHosts: null,
      graphiql: false,
      introspection: false,
      trustedDocuments: true,
      trustedProxies: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
      responseCacheEntries: 0,
      mempoolSize: 10_000,
      limits: { requestTimeoutMs: 5000, maxDepth: 8, maxCost: 200_000, rateLimit: { perSecond: 50, burst: 100 } },
    });
  });

  it('takes the admin token from NODE_ADMIN_TOKEN, which allows binding to every interface', () => {
    const config = parseConfig(['--host', '0.0.0.0'], { NODE_ADMIN_TOKEN: 'token-from-the-environment' });
    expect(config).toMatchObject({ host: '0.0.0.0', adminToken: 'token-from-the-environment' });
  });

  it('turns GraphiQL and introspection on for loopback binds and off otherwise, unless told', () => {
    const pick = (argv: string[]) => {
      const config = parseConfig(argv) as NodeConfig;
      return { graphiql: config.graphiql, introspection: config.introspection };
    };
    const exposed = ['--host', '0.0.0.0', '--admin-token', 'a-long-enough-token'];
    expect(pick([])).toEqual({ graphiql: true, introspection: true });
    expect(pick(exposed)).toEqual({ graphiql: false, introspection: false });
    expect(pick([...exposed, '--graphiql', '--introspection', 'on'])).toEqual({ graphiql: true, introspection: true });
    expect(pick(['--no-graphiql', '--introspection', 'OFF'])).toEqual({ graphiql: false, introspection: false });
  });

  it('reads --allowed-hosts as lower-case host names, or * for any', () => {
    const hostsOf = (argv: string[]) => (parseConfig(argv) as NodeConfig).allowedHosts;
    expect(hostsOf(['--allowed-hosts', 'Node.Example, 10.0.0.5,[::1]'])).toEqual(['node.example', '10.0.0.5', '[::1]']);
    expect(hostsOf(['--allowed-hosts', '*'])).toEqual(['*']);
  });

  it('has no rate limit on loopback binds and 50 requests per second (burst 100) on others, unless told', () => {
    const rateOf = (argv: string[]) => (parseConfig(argv) as NodeConfig).limits.rateLimit;
    const exposed = ['--host', '0.0.0.0', '--admin-token', 'a-long-enough-token'];
    expect(rateOf([])).toBeNull();
    expect(rateOf(['--host', 'localhost'])).toBeNull();
    expect(rateOf(exposed)).toEqual({ perSecond: 50, burst: 100 });
    expect(rateOf([...exposed, '--rate-limit', '0'])).toBeNull();
    expect(rateOf([...exposed, '--rate-limit-burst', '7'])).toEqual({ perSecond: 50, burst: 7 });
    expect(rateOf(['--rate-limit', '20'])).toEqual({ perSecond: 20, burst: 40 });
    expect(rateOf(['--rate-limit', '0.2'])).toEqual({ perSecond: 0.2, burst: 1 });
    expect(rateOf(['--rate-limit', ' 5 ', '--rate-limit-burst', '1'])).toEqual({ perSecond: 5, burst: 1 });
  });

  it.each([
    [['--rate-limit', 'fast'], /--rate-limit must be a number of requests per second from 0 \(no limit\)/],
    [['--rate-limit=-1'], /--rate-limit must be a number of requests per second/],
    [['--rate-limit', ''], /--rate-limit must be a number of requests per second/],
    [['--rate-limit-burst', '5'], /--rate-limit-burst needs --rate-limit on a loopback --host/],
    [['--rate-limit', '0', '--rate-limit-burst', '5'], /--rate-limit-burst needs a --rate-limit above 0/],
    [['--rate-limit', '5', '--rate-limit-burst', '0'], /--rate-limit-burst must be an integer from 1/],
    [['--trusted-proxies', 'proxy.example'], /--trusted-proxies entries must be IP addresses or CIDR ranges/],
    [['--trusted-proxies', '10.0.0.0/33'], /--trusted-proxies entries .* got "10.0.0.0\/33"/],
    [['--trusted-proxies', '10.0.0.0/8/1'], /--trusted-proxies entries must be IP addresses/],
  ])('refuses the rate limit flags %j naming the flag and the rule', (argv, message) => {
    expect(() => parseConfig(argv as string[])).toThrow(ConfigError);
    expect(() => parseConfig(argv as string[])).toThrow(message);
  });

  it.each([
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--difficulty', '256'], /--difficulty must be an integer from 0 to 255/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--public-url', 'ftp://x'], /--public-url must be http\(s\):\/\/host:port/],
    [['--sync-interval', '1.5'], /--sync-interval must be an integer/],
    [['--host', '0.0.0.0'], /--host 0.0.0.0 is not a loopback address.*--admin-token/],
    [['--admin-token', 'short'], /at least 16 characters/],
    [['--max-depth', '2'], /--max-depth must be an integer from 4/],
    [['--allowed-hosts', 'example.com:80'], /--allowed-hosts entries must be host names or addresses \(no port\)/],
    [['--allowed-hosts', ' , '], /--allowed-hosts must name at least one host/],
    [['--introspection', 'maybe'], /--introspection must be on or off, got "maybe"/],
    [['--graphiql', '--no-graphiql'], /--graphiql and --no-graphiql contradict each other/],
    [['--max-cost', '10'], /--max-cost must be an integer from 100 to 1000000000/],
  ])('refuses %j naming the flag and the rule', (argv, message) => {
    expect(() => parseConfig(argv as string[])).toThrow(ConfigError);
    expect(() => parseConfig(argv as string[])).toThrow(message);
  });
});
