import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Block } from '../../src/chain/types.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node } from '../../src/node/node.js';
import { PeerUnreachableError } from '../../src/peer/syncFromPeer.js';
import { buildChain, extendChain, mineBlock, sealBlock, transfer } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob, minerWallet, testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { FakePeer, type FakePeerBehaviour } from './fakePeer.js';

const PEER_URL = 'http://127.0.0.1:9/graphql';

/** Our node (a few blocks of its own) and an honest peer chain with more work. */
function setup(behaviour: FakePeerBehaviour = {}, peerBlocks = 5, ourBlocks = 2) {
  const clock = createFixedClock();
  const peerSource = buildChain(peerBlocks, { clock }).chain;
  let peer = new FakePeer(PEER_URL, peerSource, behaviour);
  const node = new Node({
    params: easyParams,
    wallet: testWallet('our-node'),
    miner: new MainThreadMiner(),
    clock: clock.now,
    connectPeer: () => peer,
  });
  for (let i = 0; i < ourBlocks; i++) {
    const result = node.submitBlock(mineBlock({ chain: node.chain, miner: testWallet('our-miner') }));
    expect(result.status).toBe('extended');
  }
  return {
    node,
    peerSource,
    clock,
    get peer() {
      return peer;
    },
    replacePeer(next: FakePeer) {
      peer = next;
    },
  };
}

/** Changes block `index` of every page it appears in. */
function tamperBlock(index: number, change: (block: Block) => Block) {
  return (page: Block[]) => page.map((block) => (block.header.index === index ? change(block) : block));
}

async function refusedWithoutChange(behaviour: FakePeerBehaviour, expected: RegExp) {
  const { node } = setup(behaviour);
  const tipBefore = node.chain.tip.hash;
  await node.registerNodes([PEER_URL]);
  const { replaced, outcomes } = await node.resolve();
  expect(replaced).toBe(false);
  expect(outcomes[0]!.outcome).toBe('REFUSED');
  expect(outcomes[0]!.message).toMatch(expected);
  expect(node.chain.tip.hash).toBe(tipBefore);
  expect(node.peers.list()[0]!.status).toBe('REFUSED');
  expect(node.peers.list()[0]!.lastError).toMatch(expected);
}

describe('resolve against one peer', () => {
  it('adopts a valid chain with more work and reports ADOPTED with the blocks fetched', async () => {
    const { node, peerSource } = setup();
    await node.registerNodes([PEER_URL]);
    const { replaced, outcomes } = await node.resolve();
    expect(replaced).toBe(true);
    expect(outcomes[0]).toMatchObject({ outcome: 'ADOPTED', blocksFetched: 5 });
    expect(node.chain.tip.hash).toBe(peerSource.tip.hash);
  });

  it('is IN_SYNC on the second resolve and downloads no blocks', async () => {
    const { node } = setup();
    await node.registerNodes([PEER_URL]);
    await node.resolve();
    const again = await node.resolve();
    expect(again.replaced).toBe(false);
    expect(again.outcomes[0]).toMatchObject({ outcome: 'IN_SYNC', blocksFetched: 0 });
  });

  it('keeps our chain when the peer has less work (AHEAD)', async () => {
    const { node } = setup({}, 1, 3);
    await node.registerNodes([PEER_URL]);
    const { replaced, outcomes } = await node.resolve();
    expect(replaced).toBe(false);
    expect(outcomes[0]!.outcome).toBe('AHEAD');
  });

  it('fetches only the blocks after the newest shared block', async () => {
    const { node, peerSource } = setup({}, 3, 0);
    await node.registerNodes([PEER_URL]);
    await node.resolve();
    extendChain(peerSource);
    extendChain(peerSource);
    const { outcomes } = await node.resolve();
    expect(outcomes[0]).toMatchObject({ outcome: 'ADOPTED', blocksFetched: 2 });
    expect(node.chain.tip.hash).toBe(peerSource.tip.hash);
  });

  it('returns the transactions of our replaced blocks to the mempool', async () => {
    const clock = createFixedClock();
    const node = new Node({
      params: easyParams,
      wallet: alice,
      miner: new MainThreadMiner(),
      clock: clock.now,
      connectPeer: () => peer,
    });
    // Alice earns a reward on our chain, then spends it in a block of ours that the peer's chain will replace.
    node.submitBlock(mineBlock({ chain: node.chain, miner: alice }));
    const spend = transfer(alice, bob, 1, 0);
    expect(node.submitTransaction(spend).ok).toBe(true);
    await node.mine();
    expect(node.mempool.size).toBe(0);
    // The peer's chain also pays alice (so the spend stays valid) and is longer.
    const peerSource = buildChain(0, { clock }).chain;
    for (let i = 0; i < 4; i++) extendChain(peerSource, { miner: i === 0 ? alice : minerWallet });
    const peer = new FakePeer(PEER_URL, peerSource);
    await node.registerNodes([PEER_URL]);
    const { replaced } = await node.resolve();
    expect(replaced).toBe(true);
    expect(node.mempool.list().map((p) => p.transaction)).toEqual([spend]);
  });
});

describe('resolve never lets a bad peer change our chain', () => {
  it('refuses a peer with a different genesis (GENESIS_MISMATCH)', async () => {
    await refusedWithoutChange({ status: (s) => ({ ...s, genesisHash: 'ab'.repeat(32) }) }, /GENESIS_MISMATCH/);
  });

  it('refuses a chain with a forged proof in its middle (the next block no longer links)', async () => {
    await refusedWithoutChange(
      { blocks: tamperBlock(3, (b) => ({ ...b, header: { ...b.header, proof: b.header.proof + 1 } })) },
      /INSUFFICIENT_PROOF_OF_WORK|PROTOCOL_ERROR: block 4 does not follow block 3/,
    );
  });

  it('refuses a chain with a forged proof whose later blocks were relinked (INSUFFICIENT_PROOF_OF_WORK)', async () => {
    await refusedWithoutChange(
      {
        blocks: (page) => {
          // Forge block 3 with a proof that fails the difficulty and relink the blocks after it, so only the
          // proof-of-work rule can catch it (the claimed tip no longer matches, which is checked after validation).
          let previousHash: string | undefined;
          return page.map((block) => {
            let header = block.header;
            if (previousHash !== undefined) header = { ...header, previousHash };
            if (header.index === 3) {
              let proof = 0;
              while (blockHash({ ...header, proof }).startsWith('00')) proof++;
              header = { ...header, proof };
            }
            if (header.index >= 3) previousHash = blockHash(header);
            return { ...block, header };
          });
        },
      },
      /INSUFFICIENT_PROOF_OF_WORK|CLAIM_MISMATCH/,
    );
  });

  it('refuses a chain with a tampered transaction (MERKLE_ROOT_MISMATCH)', async () => {
    await refusedWithoutChange(
      {
        blocks: tamperBlock(2, (b) => ({
          ...b,
          transactions: b.transactions.map((tx, i) => (i === 0 ? { ...tx, recipient: 'ee'.repeat(32) } : tx)),
        })),
      },
      /MERKLE_ROOT_MISMATCH/,
    );
  });

  it('refuses an invalid chain: a correctly mined block that spends coins nobody has (INSUFFICIENT_BALANCE)', async () => {
    const clock = createFixedClock();
    const source = buildChain(4, { clock }).chain;
    const tip = source.tip;
    const overspend: Block = sealBlock({
      index: tip.block.header.index + 1,
      timestamp: tip.block.header.timestamp + 1000,
      previousHash: tip.hash,
      difficulty: tip.block.header.difficulty,
      transactions: [mineBlock({ chain: source }).transactions[0]!, transfer(bob, alice, 50, 0)],
    });
    const serveOverspend = {
      status: (s: Awaited<ReturnType<FakePeer['status']>>) => ({
        ...s,
        height: s.height + 1,
        tipHash: blockHash(overspend.header),
        totalWork: (BigInt(s.totalWork) + 256n).toString(),
      }),
      // The honest pages, with the overspending block appended after the source's tip.
      blocks: (page: Block[]) =>
        page.length === 0 || page[page.length - 1]!.header.index === tip.block.header.index
          ? [...page, overspend]
          : page,
    };
    const { node, replacePeer } = setup();
    replacePeer(new FakePeer(PEER_URL, source, serveOverspend));
    const before = node.chain.tip.hash;
    await node.registerNodes([PEER_URL]);
    const { replaced, outcomes } = await node.resolve();
    expect(replaced).toBe(false);
    expect(outcomes[0]!.outcome).toBe('REFUSED');
    expect(outcomes[0]!.message).toMatch(/INSUFFICIENT_BALANCE/);
    expect(node.chain.tip.hash).toBe(before);
  });

  it('refuses a peer whose claimed length does not match the blocks it serves (CLAIM_MISMATCH)', async () => {
    await refusedWithoutChange({ status: (s) => ({ ...s, height: s.height + 10 }) }, /CLAIM_MISMATCH|PROTOCOL_ERROR/);
  });

  it('refuses a peer that claims more work than its valid chain has (CLAIM_MISMATCH)', async () => {
    const { node, replacePeer } = setup({}, 1, 3);
    const source = buildChain(1, { clock: createFixedClock() }).chain;
    replacePeer(new FakePeer(PEER_URL, source, { status: (s) => ({ ...s, totalWork: '999999999999' }) }));
    const before = node.chain.tip.hash;
    await node.registerNodes([PEER_URL]);
    const { outcomes } = await node.resolve();
    expect(outcomes[0]!.outcome).toBe('REFUSED');
    expect(outcomes[0]!.message).toMatch(/CLAIM_MISMATCH/);
    expect(node.chain.tip.hash).toBe(before);
  });

  it('refuses blocks that do not link to each other (PROTOCOL_ERROR)', async () => {
    await refusedWithoutChange({ blocks: (page) => [...page].reverse() }, /PROTOCOL_ERROR/);
  });

  it('reports a peer that cannot be reached as UNREACHABLE and keeps it', async () => {
    const { node } = setup({ fail: () => new PeerUnreachableError('cannot connect: ECONNREFUSED') });
    await node.registerNodes([PEER_URL]);
    expect(node.peers.list()[0]!.status).toBe('UNREACHABLE');
    const { replaced, outcomes } = await node.resolve();
    expect(replaced).toBe(false);
    expect(outcomes[0]).toMatchObject({ outcome: 'UNREACHABLE', message: 'cannot connect: ECONNREFUSED' });
    expect(node.peers.size).toBe(1);
  });

  it('refuses a peer that points back at this node (SELF)', async () => {
    const { node } = setup({ status: (s) => ({ ...s, address: testWallet('our-node').address }) });
    await node.registerNodes([PEER_URL]);
    expect(node.peers.list()[0]).toMatchObject({ status: 'REFUSED' });
    expect(node.peers.list()[0]!.lastError).toMatch(/SELF/);
  });
});
