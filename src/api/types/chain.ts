import type { StoredBlock } from '../../chain/db/model.js';
import { encodeBlock, encodedBlockSize } from '../../chain/encoding.js';
import { builder } from '../builder.js';
import { BLOCK_READ, ENCODED_CHARS_PER_UNIT, listCost, pageItems } from '../cost.js';
import { badQueryInput } from '../inputErrors.js';
import { FIXED_API_LIMITS } from '../limits.js';
import { BlockRef, ChainRef } from '../refs.js';
import { BigIntScalar } from '../scalars.js';

const {
  defaultBlocksPage: DEFAULT_PAGE_SIZE,
  maxPageSize: MAX_PAGE_SIZE,
  defaultEncodedBlocks: DEFAULT_ENCODED_BLOCKS,
  maxEncodedBlocksPage: MAX_ENCODED_BLOCKS,
  maxEncodedPageChars: MAX_ENCODED_PAGE_CHARS,
  maxLocatorLength: MAX_LOCATOR_LENGTH,
} = FIXED_API_LIMITS;

interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/** A block cursor is its index in decimal; this reads one, naming the argument on error. */
function readCursor(name: string, cursor: string): number {
  if (!/^\d{1,10}$/.test(cursor)) badQueryInput(`${name} must be a block cursor (a block index in decimal)`);
  return Number(cursor);
}

function readPageSize(name: string, value: number): number {
  if (value < 0) badQueryInput(`${name} must not be negative`);
  if (value > MAX_PAGE_SIZE) badQueryInput(`${name} must be at most ${MAX_PAGE_SIZE}, got ${value}`);
  return value;
}

/**
 * The best-chain index range [from, to] a Relay page selects: `after`/`before` narrow the chain, then `first` takes
 * from the start or `last` from the end (default: the first 20). Sizes over the cap are errors, never truncated.
 */
export function selectBlockPage(height: number, args: PageArgs): { from: number; to: number } {
  let from = 1;
  let to = height;
  if (args.after !== null && args.after !== undefined) from = Math.max(from, readCursor('after', args.after) + 1);
  if (args.before !== null && args.before !== undefined) to = Math.min(to, readCursor('before', args.before) - 1);
  const first = args.first === null || args.first === undefined ? undefined : readPageSize('first', args.first);
  const last = args.last === null || args.last === undefined ? undefined : readPageSize('last', args.last);
  if (first === undefined && last === undefined) to = Math.min(to, from + DEFAULT_PAGE_SIZE - 1);
  if (first !== undefined) to = Math.min(to, from + first - 1);
  if (last !== undefined) from = Math.max(from, to - last + 1);
  return { from, to };
}

/** Blocks a chain.blocks page holds at most: `first` or `last` (the smaller when both), else the default. */
function blockPageItems(args: PageArgs): number {
  const sizes = [args.first, args.last].filter((size): size is number => size !== null && size !== undefined);
  return pageItems(sizes.length === 0 ? null : Math.min(...sizes), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}

/**
 * Most base64 characters a chain.encodedBlocks page of `first` blocks carries: `first` of the largest blocks, and
 * never more than the page cap, unless its one block alone is larger.
 */
function encodedPageChars(first: number, maxTransactionsPerBlock: number): number {
  const largestBlock = 4 * Math.ceil(encodedBlockSize(maxTransactionsPerBlock) / 3);
  return Math.min(first * largestBlock, Math.max(MAX_ENCODED_PAGE_CHARS, largestBlock));
}

ChainRef.implement({
  description: "The node's best chain: the valid chain with the most cumulative work it knows.",
  fields: (t) => ({
    length: t.int({
      description: "Number of blocks, genesis included (the tip's index).",
      resolve: (_c, _a, ctx) => ctx.node.chain.height,
    }),
    tip: t.field({ type: BlockRef, description: 'The newest block.', resolve: (_c, _a, ctx) => ctx.node.chain.tip }),
    genesis: t.field({
      type: BlockRef,
      description: 'Block 1, derived from the chain parameters.',
      resolve: (_c, _a, ctx) => ctx.node.chain.genesis,
    }),
    totalWork: t.field({
      type: BigIntScalar,
      description: 'Cumulative work Σ 2^difficulty of the best chain (what fork choice compares).',
      resolve: (_c, _a, ctx) => ctx.node.chain.tip.totalWork,
    }),
    encodedBlocks: t.stringList({
      description:
        'Best-chain blocks after `afterIndex` in their binary encoding (docs/PROTOCOL.md) as base64, oldest first: ' +
        `the compact form peers sync with. At most \`first\` (≤ ${MAX_ENCODED_BLOCKS}) blocks, and fewer when the ` +
        `page would pass ${MAX_ENCODED_PAGE_CHARS} characters (at least one block is always sent); ` +
        'continue after the last.',
      // Priced by the characters the page can carry: each block's read, encoding and bytes grow with its size.
      complexity: (args, context) => {
        const first = pageItems(args.first, DEFAULT_ENCODED_BLOCKS, MAX_ENCODED_BLOCKS);
        const chars = encodedPageChars(first, context.node.chain.params.maxTransactionsPerBlock);
        return 1 + first + Math.ceil(chars / ENCODED_CHARS_PER_UNIT);
      },
      args: {
        afterIndex: t.arg.int({
          required: true,
          description: 'Start after this best-chain index (0 starts at genesis).',
        }),
        first: t.arg.int({
          defaultValue: DEFAULT_ENCODED_BLOCKS,
          description: `How many blocks at most, 1 to ${MAX_ENCODED_BLOCKS}.`,
        }),
      },
      resolve: (_c, args, ctx) => {
        const first = args.first ?? DEFAULT_ENCODED_BLOCKS;
        if (first < 1 || first > MAX_ENCODED_BLOCKS)
          badQueryInput(`first must be from 1 to ${MAX_ENCODED_BLOCKS}, got ${first}`);
        if (args.afterIndex < 0) badQueryInput(`afterIndex must not be negative, got ${args.afterIndex}`);
        const page: string[] = [];
        let chars = 0;
        const last = Math.min(ctx.node.chain.height, args.afterIndex + first);
        for (let index = args.afterIndex + 1; index <= last; index++) {
          const encoded = Buffer.from(encodeBlock(ctx.node.chain.getBlockAt(index)!.block)).toString('base64');
          if (page.length > 0 && chars + encoded.length > MAX_ENCODED_PAGE_CHARS) break;
          page.push(encoded);
          chars += encoded.length;
        }
        return page;
      },
    }),
    blocks: t.connection({
      type: BlockRef,
      description:
        `Best-chain blocks, oldest first, as a Relay connection. Page with first/after or last/before ` +
        `(default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}: larger pages are an error). ` +
        'A cursor is the block index.',
      // Each block of the page is read from storage; the selection (edges and pageInfo) counts once per block.
      complexity: (args) => listCost(blockPageItems(args), BLOCK_READ),
      resolve: (_c, args, ctx) => {
        const height = ctx.node.chain.height;
        const { from, to } = selectBlockPage(height, args);
        const edges: { cursor: string; node: StoredBlock }[] = [];
        for (let index = from; index <= to; index++) {
          edges.push({ cursor: String(index), node: ctx.node.chain.getBlockAt(index)! });
        }
        return {
          edges,
          pageInfo: {
            hasPreviousPage: edges.length > 0 ? from > 1 : false,
            hasNextPage: edges.length > 0 ? to < height : false,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges[edges.length - 1]?.cursor ?? null,
          },
        };
      },
    }),
  }),
});

builder.queryField('commonAncestor', (t) =>
  t.field({
    type: BlockRef,
    nullable: true,
    description:
      "The newest block of a block locator that is on this node's best chain: how a syncing peer finds the block " +
      'both chains share in one request. A locator lists best-chain hashes newest first (the 10 newest, then gaps ' +
      'that double, then genesis; docs/PROTOCOL.md). Null when none is on the best chain.',
    // Each hash of the locator may be read from storage before one is found on the best chain.
    complexity: (args) => 1 + Math.min(args.locator.length, MAX_LOCATOR_LENGTH) * BLOCK_READ,
    args: {
      locator: t.arg.stringList({
        required: true,
        description: `Block hashes, newest first, at most ${MAX_LOCATOR_LENGTH}.`,
      }),
    },
    resolve: (_root, args, ctx) => {
      if (args.locator.length > MAX_LOCATOR_LENGTH) {
        badQueryInput(`locator may hold at most ${MAX_LOCATOR_LENGTH} hashes, got ${args.locator.length}`);
      }
      return ctx.node.chain.findLocatorMatch(args.locator.map((hash) => hash.trim().toLowerCase())) ?? null;
    },
  }),
);

builder.queryField('chain', (t) =>
  t.field({
    type: ChainRef,
    description: "The best chain: length, tip, total work and its blocks (the tutorial's GET /chain).",
    resolve: () => ({}),
  }),
);
