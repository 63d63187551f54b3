import type { StoredBlock } from '../../chain/db/model.js';
import type { Node } from '../../node/node.js';
import type { MiningProgress } from '../../node/nodeEvents.js';
import { builder } from '../builder.js';
import { requireAdmin } from '../context.js';
import { MiningFailedError } from '../errors.js';
import { subscribeToNodeEvent } from '../eventStream.js';
import { BlockRef } from '../refs.js';
import { BigIntScalar } from '../scalars.js';
import { sharedStream } from '../subscriptionMultiplexer.js';

const NodeInfoRef = builder.objectRef<Node>('NodeInfo');
NodeInfoRef.implement({
  description: 'This node: its identity, network, chain position and activity.',
  fields: (t) => ({
    address: t.string({
      description: "The node wallet's address; mining rewards go here and `send` spends from it.",
      resolve: (node) => node.wallet.address,
    }),
    version: t.exposeString('version', { description: 'Software version.' }),
    networkName: t.string({
      description: 'Name of the network (part of the genesis block).',
      resolve: (node) => node.chain.params.networkName,
    }),
    genesisHash: t.string({
      description: 'Hash of block 1, derived from the chain parameters: nodes of one network share it.',
      resolve: (node) => node.chain.genesis.hash,
    }),
    height: t.int({ description: "Index of the best chain's tip.", resolve: (node) => node.chain.height }),
    tip: t.field({ type: BlockRef, description: "The best chain's newest block.", resolve: (node) => node.chain.tip }),
    totalWork: t.field({
      type: BigIntScalar,
      description: 'Cumulative work of the best chain.',
      resolve: (node) => node.chain.tip.totalWork,
    }),
    difficulty: t.int({
      description: 'Leading zero bits the next block needs.',
      resolve: (node) => node.chain.nextBlockContext().difficulty,
    }),
    reward: t.int({
      description: 'Coins the reward transaction of each block creates.',
      resolve: (node) => node.chain.params.reward,
    }),
    mining: t.boolean({ description: 'True while a block is being mined.', resolve: (node) => node.mining }),
    hashrate: t.float({
      description: 'Proofs tried per second by the current mining job (0 when idle).',
      resolve: (node) => node.hashrate,
    }),
    peerCount: t.int({ description: 'Registered peers.', resolve: (node) => node.peers.size }),
    pendingTransactionCount: t.int({
      description: 'Transactions waiting in the mempool.',
      resolve: (node) => node.mempool.size,
    }),
  }),
});

builder.queryField('node', (t) =>
  t.field({ type: NodeInfoRef, description: 'Status of this node.', resolve: (_root, _args, ctx) => ctx.node }),
);

const MineSuccess = builder.objectRef<{ block: StoredBlock }>('MineSuccess');
MineSuccess.implement({
  description: 'The mined block, now the tip of the best chain.',
  fields: (t) => ({ block: t.field({ type: BlockRef, description: 'The new block.', resolve: (r) => r.block }) }),
});

builder.mutationField('mine', (t) =>
  t.field({
    type: MineSuccess,
    description:
      "Mines one block on the current tip with the mempool's transactions and the reward to this node, and returns " +
      "it (the tutorial's GET /mine). Queries keep being answered while it works.",
    errors: {
      types: [MiningFailedError],
      directResult: true,
      union: { name: 'MineResult', description: 'The mined block, or why mining stopped.' },
    },
    resolve: async (_root, _args, ctx) => {
      requireAdmin(ctx, 'mine');
      try {
        return { block: await ctx.node.mine() };
      } catch (error) {
        throw new MiningFailedError('MINING_FAILED', `mining stopped: ${(error as Error).message}`);
      }
    },
  }),
);

const MiningStatus = builder.objectRef<Node>('MiningStatus');
MiningStatus.implement({
  description: 'Whether the node mines block after block.',
  fields: (t) => ({
    continuous: t.boolean({
      description: 'True while continuous mining is on.',
      resolve: (node) => node.continuousMining,
    }),
    mining: t.boolean({ description: 'True while a block is being mined.', resolve: (node) => node.mining }),
  }),
});

builder.mutationFields((t) => ({
  startMining: t.field({
    type: MiningStatus,
    description: 'Starts mining block after block (as the --mine flag does) until stopMining.',
    resolve: (_root, _args, ctx) => {
      requireAdmin(ctx, 'startMining');
      ctx.node.startMining();
      return ctx.node;
    },
  }),
  stopMining: t.field({
    type: MiningStatus,
    description: 'Stops continuous mining once the block in progress is done (a `mine` request still runs).',
    resolve: (_root, _args, ctx) => {
      requireAdmin(ctx, 'stopMining');
      ctx.node.stopMining();
      return ctx.node;
    },
  }),
}));

const MiningProgressRef = builder.objectRef<MiningProgress>('MiningProgress');
MiningProgressRef.implement({
  description: 'How the block being mined is coming along.',
  fields: (t) => ({
    hashrate: t.exposeFloat('hashrate', { description: 'Proofs tried per second, all miner threads together.' }),
    tries: t.exposeFloat('tries', { description: 'Proofs tried for the current block so far.' }),
    difficulty: t.exposeInt('difficulty', {
      description: 'Leading zero bits the block needs (about 2^difficulty tries).',
    }),
    elapsedMs: t.exposeFloat('elapsedMs', { description: 'Milliseconds since mining of this block started.' }),
    index: t.exposeInt('index', { description: 'Index of the block being mined.' }),
  }),
});

builder.subscriptionField('miningProgress', (t) =>
  t.field({
    type: MiningProgressRef,
    description: 'About once a second while a block is being mined: hashrate, tries, difficulty and elapsed time.',
    extensions: sharedStream(),
    subscribe: (_root, _args, ctx) => subscribeToNodeEvent(ctx, 'miningProgress'),
    resolve: (progress) => progress,
  }),
);
