import type { BlockSource, StoredBlock } from '../../chain/db/model.js';
import type { Block, Transaction } from '../../chain/types.js';
import { parseHex, withGuard } from '../../guards/guards.js';
import type { NodeEvents } from '../../node/nodeEvents.js';
import { newBlockStream } from '../blockStream.js';
import { builder } from '../builder.js';
import { BLOCK_READ, listCost, REORGANIZATION_BLOCKS, SIGNATURE_CHECK } from '../cost.js';
import { BlockRejectedError, InvalidInputError } from '../errors.js';
import { subscribeToNodeEvent } from '../eventStream.js';
import { badQueryInput } from '../inputErrors.js';
import { BlockRef, TransactionRef } from '../refs.js';
import { BigIntScalar, SafeIntScalar } from '../scalars.js';
import { sharedStream } from '../subscriptionMultiplexer.js';

const BlockOriginEnum = builder.enumType('BlockOrigin', {
  description: 'How a block reached this node (Block.origin).',
  values: {
    GENESIS: { description: 'The genesis block, derived from the chain parameters when the store was created.' },
    MINED: { description: 'Mined by this node.' },
    SUBMITTED: { description: 'Pushed with submitBlock without a `from` URL (a client, or a peer that did not say).' },
    GOSSIP: { description: 'Pushed with submitBlock by a peer naming its URL as `from`.' },
    SYNC: {
      description: 'Fetched from a peer while syncing from it (resolve, start-up, an orphan, the resync timer).',
    },
  },
});

const ORIGIN_VALUES = {
  genesis: 'GENESIS',
  mined: 'MINED',
  submitted: 'SUBMITTED',
  gossip: 'GOSSIP',
  sync: 'SYNC',
} as const satisfies Record<BlockSource, typeof BlockOriginEnum.$inferType>;

BlockRef.implement({
  description:
    'A block: a header (index, timestamp, previous hash, merkle root, difficulty, proof) and its transactions, ' +
    'the first of which is always the mining reward. Its hash is SHA-256 of the 85-byte header (docs/PROTOCOL.md).',
  fields: (t) => ({
    id: t.id({
      description:
        'The block hash (equal to `hash`): the identity normalized caches (urql Graphcache, Apollo InMemoryCache) ' +
        'key the block by. Not prefixed: caches key by `__typename` + `id`, so equal ids of different types never ' +
        'collide.',
      resolve: (b) => b.hash,
    }),
    index: t.int({ description: 'Height of the block; the genesis block is 1.', resolve: (b) => b.block.header.index }),
    hash: t.exposeString('hash', { description: 'SHA-256 of the encoded header, 64 hex characters.' }),
    previousHash: t.string({
      description: 'Hash of the parent block (64 zeros for genesis).',
      resolve: (b) => b.block.header.previousHash,
    }),
    timestamp: t.field({
      type: SafeIntScalar,
      description: 'When the block was mined, in milliseconds since the Unix epoch.',
      resolve: (b) => b.block.header.timestamp,
    }),
    merkleRoot: t.string({
      description: 'Merkle root over the transaction ids; binds the transactions to the proof of work.',
      resolve: (b) => b.block.header.merkleRoot,
    }),
    difficulty: t.int({
      description: 'Leading zero bits the hash must have (16 = the tutorial\'s "0000" hex prefix).',
      resolve: (b) => b.block.header.difficulty,
    }),
    proof: t.field({
      type: SafeIntScalar,
      description: 'The proof-of-work nonce that makes the hash meet the difficulty.',
      resolve: (b) => b.block.header.proof,
    }),
    transactions: t.field({
      type: [TransactionRef],
      description: 'Transactions in block order; the first is the reward from sender "0".',
      complexity: (_args, context) => listCost(context.node.chain.params.maxTransactionsPerBlock),
      resolve: (b) =>
        b.block.transactions.map((transaction, position) => ({
          id: b.transactionIds[position]!,
          transaction,
          block: b,
          position,
        })),
    }),
    transactionCount: t.int({
      description: 'Number of transactions, the reward included.',
      resolve: (b) => b.block.transactions.length,
    }),
    size: t.int({ description: 'Size of the block encoding in bytes.', resolve: (b) => b.size }),
    totalWork: t.field({
      type: BigIntScalar,
      description: 'Cumulative work from genesis to this block, Σ 2^difficulty: what fork choice compares.',
      resolve: (b) => b.totalWork,
    }),
    isBest: t.boolean({
      description: 'True when the block is on the best chain (false for a stored side-branch block).',
      resolve: (b, _args, context) => context.node.chain.isBest(b.hash),
    }),
    confirmations: t.int({
      description: 'Best-chain blocks from this one to the tip, itself included; 0 when off the best chain.',
      resolve: (b, _args, context) =>
        context.node.chain.isBest(b.hash) ? context.node.chain.height - b.block.header.index + 1 : 0,
    }),
    firstSeenAt: t.field({
      type: SafeIntScalar,
      nullable: true,
      description:
        "When this node first stored the block, by its clock, in milliseconds since the Unix epoch (the block's own " +
        '`timestamp` is when its miner says it was mined). Null when unknown: blocks stored by a node version that ' +
        'did not record it.',
      resolve: (b, _args, context) => context.node.chain.getArrival(b.hash, b.block.header.index)?.seenAt ?? null,
    }),
    origin: t.field({
      type: BlockOriginEnum,
      nullable: true,
      description: 'How the block reached this node. Null when unknown (see firstSeenAt).',
      resolve: (b, _args, context) => {
        const source = context.node.chain.getArrival(b.hash, b.block.header.index)?.source;
        return source === undefined ? null : ORIGIN_VALUES[source];
      },
    }),
    receivedFrom: t.string({
      nullable: true,
      description:
        'The GraphQL URL of the peer that sent the block: the peer synced from (origin SYNC), or the URL a pushing ' +
        "peer named as submitBlock's `from` (origin GOSSIP; not verified). Null for blocks mined here, submitted " +
        'without `from`, the genesis block, and when unknown.',
      resolve: (b, _args, context) => context.node.chain.getArrival(b.hash, b.block.header.index)?.peer ?? null,
    }),
    parent: t.field({
      type: BlockRef,
      nullable: true,
      description: 'The parent block; null for genesis.',
      complexity: 1 + BLOCK_READ,
      resolve: (b, _args, context) => context.node.chain.getBlock(b.block.header.previousHash) ?? null,
    }),
  }),
});

builder.queryField('block', (t) =>
  t.field({
    type: BlockRef,
    nullable: true,
    description: 'One block by best-chain `index` or by `hash` (any branch): give exactly one. Null when not found.',
    complexity: 1 + BLOCK_READ,
    args: {
      index: t.arg.int({ description: 'Best-chain height, from 1.' }),
      hash: t.arg.string({ description: 'Block hash, 64 hex characters.' }),
    },
    resolve: (_root, args, context) => {
      const hasIndex = args.index !== null && args.index !== undefined;
      const hasHash = args.hash !== null && args.hash !== undefined;
      if (hasIndex === hasHash) badQueryInput('block needs exactly one argument: index or hash');
      if (hasIndex) {
        if (args.index! < 1) badQueryInput(`index must be at least 1, got ${args.index}`);
        return context.node.chain.getBlockAt(args.index!) ?? null;
      }
      const hash = withGuard(
        () => parseHex('hash', args.hash!.trim(), 32),
        (error) => badQueryInput(`${error.field} ${error.rule}`),
      );
      return context.node.chain.getBlock(hash) ?? null;
    },
  }),
);

const BlockTransactionInput = builder.inputType('BlockTransactionInput', {
  description: 'A transaction inside a submitted block. The reward has sender "0" and no signature.',
  fields: (t) => ({
    sender: t.string({ required: true, description: 'Sender address, or "0" for the reward.' }),
    recipient: t.string({ required: true, description: 'Recipient address.' }),
    amount: t.field({ type: SafeIntScalar, required: true, description: 'Coins moved.' }),
    nonce: t.field({
      type: SafeIntScalar,
      required: true,
      description: "Sender's nonce; the block index for the reward.",
    }),
    signature: t.string({ required: false, description: 'Ed25519 signature; null for the reward.' }),
  }),
});

const BlockInput = builder.inputType('BlockInput', {
  description: 'A complete block as peers push it (see `Block` for the meaning of each field).',
  fields: (t) => ({
    index: t.int({ required: true, description: "Height; the parent's index + 1." }),
    timestamp: t.field({ type: SafeIntScalar, required: true, description: 'Milliseconds since the Unix epoch.' }),
    previousHash: t.string({ required: true, description: 'Hash of the parent block, 64 hex characters.' }),
    merkleRoot: t.string({ required: true, description: 'Merkle root over the transaction ids.' }),
    difficulty: t.int({ required: true, description: 'Leading zero bits the hash must have.' }),
    proof: t.field({ type: SafeIntScalar, required: true, description: 'The proof-of-work nonce.' }),
    transactions: t.field({
      type: [BlockTransactionInput],
      required: true,
      description: 'Transactions in block order; the first must be the reward.',
    }),
  }),
});

const BlockAcceptance = builder.enumType('BlockAcceptance', {
  description: 'What the node did with a valid submitted block.',
  values: {
    EXTENDED: { description: 'It extends the best chain and is the new tip.' },
    REORGANIZED: { description: 'It completes a branch with more work; the best chain switched to it.' },
    SIDE: { description: 'Valid and stored on a branch with no more work than the best chain.' },
    DUPLICATE: { description: 'Already known.' },
    ORPHAN: { description: 'Its parent is unknown here; nothing was stored. Sync from the sender.' },
  },
});

const SubmitBlockSuccess = builder.objectRef<{
  status: typeof BlockAcceptance.$inferType;
  hash: string;
  block: StoredBlock | null;
}>('SubmitBlockSuccess');
SubmitBlockSuccess.implement({
  description: 'The block passed every rule it could be checked against.',
  fields: (t) => ({
    status: t.field({ type: BlockAcceptance, description: 'What the node did with it.', resolve: (r) => r.status }),
    hash: t.exposeString('hash', { description: 'The block hash.' }),
    block: t.field({
      type: BlockRef,
      nullable: true,
      description: 'The stored block; null for an orphan.',
      resolve: (r) => r.block,
    }),
  }),
});

/** Converts a submitted block to the engine's form, lowercasing hex. */
function toBlock(input: typeof BlockInput.$inferInput): Block {
  const transactions: Transaction[] = input.transactions.map((tx) => ({
    sender: tx.sender.trim().toLowerCase(),
    recipient: tx.recipient.trim().toLowerCase(),
    amount: tx.amount,
    nonce: tx.nonce,
    signature: tx.signature === null || tx.signature === undefined ? null : tx.signature.trim().toLowerCase(),
  }));
  return {
    header: {
      index: input.index,
      timestamp: input.timestamp,
      previousHash: input.previousHash.trim().toLowerCase(),
      merkleRoot: input.merkleRoot.trim().toLowerCase(),
      difficulty: input.difficulty,
      proof: input.proof,
    },
    transactions,
  };
}

builder.mutationField('submitBlock', (t) =>
  t.field({
    type: SubmitBlockSuccess,
    description: 'How peers push blocks. The block is validated in full; a refusal names the consensus rule.',
    // Storing the block, and a signature check per transaction (the resolver refuses more than the maximum first).
    complexity: (args, context) =>
      1 +
      BLOCK_READ +
      Math.min(args.block.transactions.length, context.node.chain.params.maxTransactionsPerBlock) * SIGNATURE_CHECK,
    args: {
      block: t.arg({ type: BlockInput, required: true, description: 'The complete block.' }),
      hash: t.arg.string({ description: 'The hash the sender claims; must match the header when given.' }),
      from: t.arg.string({
        description:
          "The sender's public GraphQL URL. When the block's parent is unknown and the sender is a registered peer, " +
          'the node syncs from it.',
      }),
    },
    errors: {
      types: [InvalidInputError, BlockRejectedError],
      directResult: true,
      union: { name: 'SubmitBlockResult', description: 'What happened to the block, or why it was refused.' },
    },
    resolve: async (_root, args, context) => {
      const limit = context.node.chain.params.maxTransactionsPerBlock;
      if (args.block.transactions.length > limit) {
        throw new BlockRejectedError('TOO_MANY_TRANSACTIONS', `block.transactions may hold at most ${limit} entries`);
      }
      const claimed =
        args.hash === null || args.hash === undefined
          ? undefined
          : withGuard(
              () => parseHex('hash', args.hash!.trim(), 32),
              (error) => new InvalidInputError(error.field, `${error.field} ${error.rule}`),
            );
      const result = await context.node.receiveBlock(toBlock(args.block), claimed, args.from ?? undefined);
      switch (result.status) {
        case 'invalid':
          throw new BlockRejectedError(result.rejection.code, result.rejection.message);
        case 'extended':
          return { status: 'EXTENDED' as const, hash: result.tip.hash, block: result.tip };
        case 'reorg':
          return { status: 'REORGANIZED' as const, hash: result.tip.hash, block: result.tip };
        case 'side':
          return { status: 'SIDE' as const, hash: result.added[0]!.hash, block: result.added[0]! };
        case 'duplicate':
          return {
            status: 'DUPLICATE' as const,
            hash: result.hash,
            block: context.node.chain.getBlock(result.hash) ?? null,
          };
        case 'orphan':
          return { status: 'ORPHAN' as const, hash: result.hash, block: null };
      }
    },
  }),
);

builder.subscriptionField('newBlock', (t) =>
  t.field({
    type: BlockRef,
    description:
      'Each block that joins the best chain (mined here or adopted from a peer). With `afterIndex`, first replays ' +
      'the best-chain blocks after that index, so a client that reconnects misses nothing.',
    // Per event: a replayed block is read from storage.
    complexity: 1 + BLOCK_READ,
    args: { afterIndex: t.arg.int({ description: 'Replay best-chain blocks with a greater index first.' }) },
    // Shared by its subscribers (subscriptionMultiplexer.ts) unless it replays: a replay is each subscriber's own.
    extensions: sharedStream((args) => args['afterIndex'] === null || args['afterIndex'] === undefined),
    subscribe: (_root, args, ctx) =>
      ctx.subscriptions.open(ctx.clientId, () =>
        newBlockStream(ctx.node, args.afterIndex, ctx.limits.subscriptionBacklog),
      ),
    resolve: (block) => block,
  }),
);

const ChainReorganization = builder.objectRef<NodeEvents['chainReorganized']>('ChainReorganization');
ChainReorganization.implement({
  description: 'The best chain switched to a branch with more work.',
  fields: (t) => ({
    depth: t.exposeInt('depth', { description: 'Blocks that left the best chain.' }),
    oldTip: t.field({ type: BlockRef, description: 'The tip before the switch.', resolve: (r) => r.oldTip }),
    newTip: t.field({ type: BlockRef, description: 'The tip after the switch.', resolve: (r) => r.newTip }),
    disconnected: t.field({
      type: [BlockRef],
      description: 'Blocks that left the best chain, old tip first; their transactions went back to the mempool.',
      complexity: listCost(REORGANIZATION_BLOCKS),
      resolve: (r) => r.disconnected,
    }),
    connected: t.field({
      type: [BlockRef],
      description: 'Blocks that joined, lowest first.',
      complexity: listCost(REORGANIZATION_BLOCKS),
      resolve: (r) => r.connected,
    }),
  }),
});

builder.subscriptionField('chainReorganized', (t) =>
  t.field({
    type: ChainReorganization,
    description: 'Each switch of the best chain to another branch (a reorganization), with its depth.',
    extensions: sharedStream(),
    subscribe: (_root, _args, ctx) => subscribeToNodeEvent(ctx, 'chainReorganized'),
    resolve: (event) => event,
  }),
);
