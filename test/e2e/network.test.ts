import { GraphQLClient } from 'graphql-request';
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { waitFor } from '../helpers/waitFor.js';

const STATUS = '{ node { address height tip { hash } } pendingTransactions { id } }';
const MINE = 'mutation { mine { __typename ... on MineSuccess { block { index hash transactions { id } } } } }';
const SEND = `mutation($to: String!, $amount: SafeInt!) {
  send(recipient: $to, amount: $amount) { __typename ... on TransactionAccepted { transaction { id } } ... on Error { code message } }
}`;
const REMOVE =
  'mutation($urls: [String!]!) { removeNodes(urls: $urls) { __typename ... on RemoveNodesSuccess { removed } } }';
const REGISTER = 'mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }';
// 20 blocks of transactions (costed at 1,000 each) is what the default maxCost allows in one request (48,283); the
// chains of these tests stay far shorter.
const TX_IDS = '{ chain { blocks(last: 20) { edges { node { transactions { id } } } } } pendingTransactions { id } }';

interface Status {
  node: { address: string; height: number; tip: { hash: string } };
  pendingTransactions: Array<{ id: string }>;
}

/** Starts nodes one after the other, each given the previous ones as --peers (as `npm run devnet` does). */
async function startMesh(count: number, extra: string[] = []): Promise<NodeProcess[]> {
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < count; i++) {
    nodes.push(
      await startNodeProcess([
        '--difficulty',
        '10',
        '--sync-interval',
        '1000',
        ...extra,
        ...(i > 0 ? ['--peers', nodes.map((n) => n.url).join(',')] : []),
      ]),
    );
  }
  return nodes;
}

const clientOf = (node: NodeProcess) => new GraphQLClient(node.url);
const status = (node: NodeProcess) => clientOf(node).request<Status>(STATUS);

async function allTipsEqual(nodes: NodeProcess[], hash?: string): Promise<string | false> {
  const tips = await Promise.all(nodes.map(async (node) => (await status(node)).node.tip.hash));
  const target = hash ?? tips[0]!;
  return tips.every((tip) => tip === target) ? target : false;
}

/** Every transaction id in the last 20 best-chain blocks of a node, and its mempool. */
async function transactionIds(node: NodeProcess): Promise<{ chain: string[]; pending: string[] }> {
  const data = await clientOf(node).request<any>(TX_IDS);
  return {
    chain: data.chain.blocks.edges.flatMap((edge: any) => edge.node.transactions.map((tx: any) => tx.id)),
    pending: data.pendingTransactions.map((tx: any) => tx.id),
  };
}

const started: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

describe('three real nodes agree without anyone calling resolve (gossip)', () => {
  it('walks the tutorial across three processes', async () => {
    const [a, b, c] = await startMesh(3);
    started.push(a!, b!, c!);
    // Registration is symmetric: every node ends up knowing the other two.
    for (const node of [a!, b!, c!]) {
      await waitFor('a full mesh', async () => {
        const { peers } = await clientOf(node).request<{ peers: Array<{ status: string }> }>('{ peers { status } }');
        return peers.length === 2 && peers.every((peer) => peer.status === 'REACHABLE');
      });
    }
    const mined = await clientOf(a!).request<any>(MINE);
    const firstHash = mined.mine.block.hash;
    await waitFor('block 2 on every node', () => allTipsEqual([a!, b!, c!], firstHash), 10_000);

    const bAddress = (await status(b!)).node.address;
    const sent = await clientOf(a!).request<any>(SEND, { to: bAddress, amount: 1 });
    expect(sent.send.__typename).toBe('TransactionAccepted');
    const txId = sent.send.transaction.id;
    await waitFor(
      'the transaction relayed to C',
      async () => (await status(c!)).pendingTransactions.some((tx) => tx.id === txId),
      10_000,
    );

    const minedByC = await clientOf(c!).request<any>(MINE);
    expect(minedByC.mine.block.transactions.map((tx: any) => tx.id)).toContain(txId);
    await waitFor('block 3 on every node', () => allTipsEqual([a!, b!, c!], minedByC.mine.block.hash), 10_000);
    for (const node of [a!, b!, c!]) {
      const { account } = await clientOf(node).request<any>(`{ account(address: "${bAddress}") { balance } }`);
      expect(account.balance).toBe(1);
      expect((await status(node)).pendingTransactions).toEqual([]);
    }
  });
});

describe('partition and heal', () => {
  it('converges on the half with more work; orphaned transactions come back, none twice', async () => {
    const [a, b, c, d] = await startMesh(4);
    started.push(a!, b!, c!, d!);
    const all = [a!, b!, c!, d!];
    for (const node of all) {
      await waitFor(
        'a full mesh of 4',
        async () => (await clientOf(node).request<any>('{ peers { url } }')).peers.length === 3,
      );
    }
    // A common prefix: A earns a coin that both halves know about.
    const funded = await clientOf(a!).request<any>(MINE);
    await waitFor('the funding block everywhere', () => allTipsEqual(all, funded.mine.block.hash), 10_000);

    // Partition: {A, B} | {C, D}.
    for (const [node, others] of [
      [a!, [c!, d!]],
      [b!, [c!, d!]],
      [c!, [a!, b!]],
      [d!, [a!, b!]],
    ] as const) {
      await clientOf(node).request(REMOVE, { urls: others.map((o) => o.url) });
    }
    // Half 1 confirms a transfer from A in one block; half 2 mines three blocks (more work).
    const spend = await clientOf(a!).request<any>(SEND, { to: (await status(d!)).node.address, amount: 1 });
    const spendId = spend.send.transaction.id;
    await waitFor(
      'the transfer relayed to B',
      async () => (await status(b!)).pendingTransactions.some((tx) => tx.id === spendId),
      10_000,
    );
    const half1 = await clientOf(b!).request<any>(MINE);
    expect(half1.mine.block.transactions.map((tx: any) => tx.id)).toContain(spendId);
    await waitFor('half 1 agrees', () => allTipsEqual([a!, b!], half1.mine.block.hash), 10_000);
    // Each block reaches the other node of the half before it mines on it, so half 2 is one chain of three.
    const c1 = await clientOf(c!).request<any>(MINE);
    await waitFor("C's block on D", () => allTipsEqual([c!, d!], c1.mine.block.hash), 10_000);
    const d1 = await clientOf(d!).request<any>(MINE);
    await waitFor("D's block on C", () => allTipsEqual([c!, d!], d1.mine.block.hash), 10_000);
    const half2 = await clientOf(c!).request<any>(MINE);
    await waitFor('half 2 agrees', () => allTipsEqual([c!, d!], half2.mine.block.hash), 10_000);
    expect((await status(a!)).node.tip.hash).toBe(half1.mine.block.hash);

    // Heal one link; gossip, sync-back and the resync timer do the rest.
    await clientOf(a!).request(REGISTER, { urls: [c!.url] });
    await waitFor('every node on the heavier chain', () => allTipsEqual(all, half2.mine.block.hash), 20_000);

    // The orphaned transfer is pending again (and was relayed to the other half), in no chain, nowhere twice.
    await waitFor(
      'the orphaned transfer pending on every node',
      async () => {
        const views = await Promise.all(all.map(transactionIds));
        return views.every(
          (view) => view.pending.filter((id) => id === spendId).length === 1 && !view.chain.includes(spendId),
        );
      },
      10_000,
    );
    const confirmed = await clientOf(d!).request<any>(MINE);
    expect(confirmed.mine.block.transactions.map((tx: any) => tx.id)).toContain(spendId);
    await waitFor('the confirming block everywhere', () => allTipsEqual(all, confirmed.mine.block.hash), 10_000);
    for (const node of all) {
      const view = await transactionIds(node);
      expect(view.chain.filter((id) => id === spendId)).toHaveLength(1);
      expect(view.pending).not.toContain(spendId);
    }
  });
});
