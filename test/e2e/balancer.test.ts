import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy, HAPROXY_STATS_PATH } from '../../src/cli/haproxyConfig.js';
import { signTransfer } from '../../src/wallet/wallet.js';
import { BUILT_MAIN } from '../helpers/builtEntry.js';
import { freePorts } from '../helpers/freePorts.js';
import { alice, bob } from '../helpers/keys.js';
import { waitFor } from '../helpers/waitFor.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODES = 3;
/** The generated configuration's health checks: `inter 500 fall 2`. */
const CHECK_INTERVAL_MS = 500;
const FALL = 2;

const MINE = `mutation {
  mine { __typename ... on MineSuccess { block { index hash transactions { id } } } ... on Error { code message } }
}`;
const SEND = `mutation($recipient: String!, $amount: SafeInt!) {
  send(recipient: $recipient, amount: $amount) { __typename ... on Error { code message } }
}`;
const SUBMIT = `mutation($input: TransactionInput!) {
  submitTransaction(input: $input) { __typename ... on TransactionAccepted { transaction { id } } ... on Error { code message } }
}`;
const READ_BACK = `query($id: ID!, $address: String!) {
  node { address }
  transaction(id: $id) { status blockIndex }
  account(address: $address) { balance }
}`;

interface Answer {
  readonly data: any;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
  readonly extensions: { chain: { height: number; tipHash: string } };
}

/** One GraphQL request over HTTP, with `x-min-height` when given. @throws {Error} for a non-200 answer or errors. */
async function gql(url: string, query: string, variables: Record<string, unknown> = {}, minHeight?: number) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (minHeight !== undefined) headers['x-min-height'] = String(minHeight);
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as Answer;
  if (response.status !== 200 || body.errors !== undefined) {
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body;
}

/** Every `newBlock` event of an SSE subscription, collected as it arrives. */
class BlockStream {
  readonly blocks: Array<{ index: number; hash: string }> = [];
  readonly #abort = new AbortController();
  #error: unknown;
  #opened: () => void = () => {};
  /** Resolves once the node answered the subscription (200 and the event-stream headers). */
  readonly opened = new Promise<void>((resolve) => (this.#opened = resolve));

  constructor(url: string) {
    const target = new URL(url);
    // afterIndex: 1 replays what was mined before the stream reached its node: none is missed, however late it lands.
    target.searchParams.set('query', 'subscription { newBlock(afterIndex: 1) { index hash } }');
    void this.#read(target).catch((error) => {
      if (!this.#abort.signal.aborted) this.#error = error;
    });
  }

  /** Resolves once the stream has delivered block `index`. */
  async waitFor(index: number): Promise<void> {
    await waitFor(`block ${index} on the subscription`, () => {
      if (this.#error !== undefined) throw this.#error;
      return this.blocks.some((block) => block.index >= index);
    });
  }

  close(): void {
    this.#abort.abort();
  }

  async #read(url: URL): Promise<void> {
    const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: this.#abort.signal });
    if (response.status !== 200 || response.body === null) throw new Error(`SSE answered ${response.status}`);
    this.#opened();
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice('data:'.length).trim())
          .join('\n');
        buffer = buffer.slice(end + 2);
        if (data !== '') this.blocks.push(JSON.parse(data).data.newBlock);
      }
    }
    throw new Error('the SSE stream ended');
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The servers' status column (`UP`, `DOWN`, …) of HAProxy's CSV stats, by server name. */
async function serverStatus(balancer: string): Promise<Map<string, string>> {
  const response = await fetch(`${balancer}${HAPROXY_STATS_PATH};csv`, { signal: AbortSignal.timeout(2_000) });
  const [head, ...rows] = (await response.text()).trim().split('\n');
  const columns = head!.replace(/^# /, '').split(',');
  const [proxy, server, status] = ['pxname', 'svname', 'status'].map((name) => columns.indexOf(name));
  return new Map(
    rows
      .map((row) => row.split(','))
      .filter((cells) => cells[proxy!] === 'nodes' && cells[server!] !== 'BACKEND')
      .map((cells) => [cells[server!]!, cells[status!]!]),
  );
}

describe('a fleet behind HAProxy: npm run devnet -- --nodes 3 --balancer', () => {
  let devnet: ChildProcess;
  let exited: Promise<number | null>;
  let output = '';
  let dataDir: string;
  /** The balancer's root URL and its GraphQL endpoint. */
  let balancer: string;
  let graphql: string;
  let nodeUrls: string[];
  let pids: number[];
  let stream: BlockStream;

  beforeAll(async () => {
    // Not skipped when missing: `npm test` installs it (scripts/ensureHaproxy.ts), so a missing one is a failure.
    if (findHaproxy() === undefined) {
      throw new Error('haproxy is not installed: run `tsx scripts/ensureHaproxy.ts` (as root) or set HAPROXY_PATH');
    }
    const port = await freePorts(NODES + 1);
    balancer = `http://127.0.0.1:${port}`;
    graphql = `${balancer}/graphql`;
    dataDir = mkdtempSync(join(tmpdir(), 'fleet-'));
    // --base-port port + 1 and no --balancer-port: the balancer takes its default port, the one below the nodes'.
    devnet = spawn(
      process.execPath,
      [BUILT_MAIN, 'devnet', '--nodes', String(NODES), '--base-port', String(port + 1), '--difficulty', '8'].concat([
        '--data-dir',
        dataDir,
        '--balancer',
      ]),
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
    );
    devnet.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    devnet.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => devnet.once('exit', (code) => resolve(code)));
    const banner = new RegExp(`\n {2}Balancer: ${graphql} \\(HAProxy pid (\\d+),.*\n`);
    const haproxyPid = await waitFor('the devnet banner', () => banner.exec(output) ?? false, 40_000);
    nodeUrls = [];
    pids = [];
    for (const [, url, pid] of output.matchAll(/^ {2}GraphiQL: (\S+) \(pid (\d+)\)$/gm)) {
      nodeUrls.push(url!);
      pids.push(Number(pid));
    }
    pids.push(Number(haproxyPid[1]));
    expect(nodeUrls).toEqual([1, 2, 3].map((i) => `http://127.0.0.1:${port + i}/graphql`));
    stream = new BlockStream(graphql);
    await stream.opened;
  }, 60_000);

  afterAll(async () => {
    stream?.close();
    if (devnet !== undefined && devnet.exitCode === null) {
      devnet.kill('SIGINT');
      const timer = setTimeout(() => devnet.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      // Killed rather than stopped: its children may be left behind; they are ours, by the pids it printed.
      if (devnet.signalCode === 'SIGKILL') for (const pid of pids ?? []) killQuietly(pid);
    }
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }, 20_000);

  it('reads every write back through the balancer with x-min-height, never older, from every node', async () => {
    // Setup on the first node directly: its wallet earns the coins alice then spends through the balancer.
    const first = nodeUrls[0]!;
    for (let i = 0; i < 5; i++) expect((await gql(first, MINE)).data.mine.__typename).toBe('MineSuccess');
    expect((await gql(first, SEND, { recipient: alice.address, amount: 5 })).data.send.__typename).toBe(
      'TransactionAccepted',
    );
    const funded = await gql(first, MINE);
    let written = funded.data.mine.block.index as number;

    const seenNodes = new Set<string>();
    const heightsRead: number[] = [];
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      // The write: a transfer alice signs here, submitted through the balancer to whichever node is next.
      const transfer = signTransfer(alice, { recipient: bob.address, amount: 1, nonce: round });
      const { id, ...input } = transfer;
      const submitted = await gql(graphql, SUBMIT, { input }, written);
      expect(submitted.data.submitTransaction).toEqual({ __typename: 'TransactionAccepted', transaction: { id } });
      // Mined through the balancer too. x-min-height makes the next node wait for the tip we know of (no fork); the
      // relayed transfer may not have reached it yet, so mine until a block holds it.
      let confirmedIn: number | undefined;
      for (let attempt = 0; attempt < 5 && confirmedIn === undefined; attempt++) {
        const mined = await gql(graphql, MINE, {}, written);
        const block = mined.data.mine.block;
        expect(block.index).toBe(written + 1);
        written = block.index;
        if (block.transactions.some((tx: { id: string }) => tx.id === id)) confirmedIn = block.index;
      }
      expect(confirmedIn, `transfer ${round} was never mined`).toBeDefined();

      // The reads: each goes to the next node in the rotation, none may answer from before the write.
      for (let read = 0; read < NODES; read++) {
        const answer = await gql(graphql, READ_BACK, { id, address: bob.address }, written);
        expect(answer.extensions.chain.height).toBeGreaterThanOrEqual(written);
        expect(answer.data.transaction).toEqual({ status: 'CONFIRMED', blockIndex: confirmedIn });
        expect(answer.data.account.balance).toBe(round + 1);
        seenNodes.add(answer.data.node.address);
        heightsRead.push(answer.extensions.chain.height);
      }
    }
    // Round robin: the reads were spread over every node, not served by one.
    expect(seenNodes.size).toBe(NODES);
    expect(heightsRead).toHaveLength(rounds * NODES);
  }, 60_000);

  it('streams every block mined during the test over SSE through the balancer, in order and without gaps', async () => {
    const tip = await gql(graphql, '{ node { height tip { hash } } }');
    const height = tip.data.node.height as number;
    await stream.waitFor(height);
    stream.close();
    expect(stream.blocks.map((block) => block.index)).toEqual(Array.from({ length: height - 1 }, (_, i) => i + 2));
    expect(stream.blocks.at(-1)!.hash).toBe(tip.data.node.tip.hash);
  });

  it('takes a killed node out of rotation after the health checks, and every request then succeeds', async () => {
    expect([...(await serverStatus(balancer)).values()]).toEqual(['UP', 'UP', 'UP']);
    const victim = (await gql(nodeUrls[1]!, '{ node { address } }')).data.node.address as string;
    const killedAt = Date.now();
    process.kill(pids[1]!, 'SIGKILL');
    // Requests in the window before the checks notice: a refused connection is retried on another node.
    let duringWindow = 0;
    while ((await serverStatus(balancer)).get('node2') !== 'DOWN') {
      expect(Date.now() - killedAt, 'node2 still in rotation').toBeLessThan(FALL * CHECK_INTERVAL_MS + 5_000);
      await gql(graphql, '{ node { height } }');
      duringWindow++;
    }
    const outAfterMs = Date.now() - killedAt;
    process.stdout.write(
      `balancer: node2 left the rotation ${outAfterMs} ms after SIGKILL; ${duringWindow} requests meanwhile, all 200\n`,
    );
    expect((await serverStatus(balancer)).get('node1')).toBe('UP');

    const served = new Set<string>();
    for (let i = 0; i < 30; i++) served.add((await gql(graphql, '{ node { address } }')).data.node.address);
    expect(served.size).toBe(NODES - 1);
    expect(served.has(victim)).toBe(false);
    expect(output).toMatch(/node on port \d+ exited \(SIGKILL\); the balancer takes it out of rotation, 2 of 3/);
    expect(output).toMatch(/\[haproxy\] .*Server nodes\/node2 is DOWN/);
  }, 30_000);

  it('stops the nodes and the balancer on SIGINT, exiting 1 since a node died', async () => {
    devnet.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(output).toContain(`devnet: SIGINT, stopping ${NODES} nodes and the balancer`);
    await expect(fetch(`${balancer}/readyz`)).rejects.toThrow();
  }, 20_000);
});
