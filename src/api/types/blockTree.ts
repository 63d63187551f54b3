import type { StoredBlock } from '../../chain/db/model.js';
import { builder } from '../builder.js';
import { BLOCK_READ, listCost } from '../cost.js';
import { badQueryInput } from '../inputErrors.js';
import { FIXED_API_LIMITS } from '../limits.js';
import { BlockRef } from '../refs.js';

const { maxBlockTreeRange: MAX_RANGE } = FIXED_API_LIMITS;

/** A blockTree range as given. */
interface TreeRange {
  readonly fromIndex: number;
  readonly toIndex: number;
}

/**
 * Why a blockTree range is refused (naming the argument and the rule), or undefined when it is allowed: indexes from
 * 1, toIndex not below fromIndex, at most maxBlockTreeRange heights.
 */
function rangeProblem({
  fromIndex,
  toIndex,
}: TreeRange): { readonly message: string; readonly details: Readonly<Record<string, string>> } | undefined {
  if (fromIndex < 1) {
    return { message: `fromIndex must be at least 1, got ${fromIndex}`, details: { argument: 'fromIndex' } };
  }
  if (toIndex < fromIndex) {
    return {
      message: `toIndex must be at least fromIndex (${fromIndex}), got ${toIndex}`,
      details: { argument: 'toIndex' },
    };
  }
  const heights = toIndex - fromIndex + 1;
  if (heights > MAX_RANGE) {
    return {
      details: { argument: 'toIndex', limit: 'maxBlockTreeRange' },
      message:
        `blockTree spans at most ${MAX_RANGE} heights (maxBlockTreeRange); fromIndex ${fromIndex} to toIndex ` +
        `${toIndex} spans ${heights}: ask for the range in parts`,
    };
  }
  return undefined;
}

builder.queryField('blockTree', (t) =>
  t.field({
    type: [BlockRef],
    description:
      'Every block this node stores with fromIndex ≤ index ≤ toIndex, on the best chain and on side branches: the ' +
      'fork tree (link each to its parent by `previousHash`; `isBest` marks the best chain, `totalWork` decides ' +
      'between branches, `firstSeenAt`, `origin` and `receivedFrom` say how each arrived). Ordered by index ' +
      'ascending; at each index the best-chain block first, then side blocks by hash. Heights past the tip are ' +
      `simply empty. A range of more than ${MAX_RANGE} heights (limits { maxBlockTreeRange }) is an error, never ` +
      'truncated; each block returned also costs a block read (limits { maxCost }), so long or forked ranges are ' +
      'refused with QUERY_TOO_COMPLEX: ask for fewer heights.',
    // The blocks the range holds are counted (keys only) before anything runs: each is a block read. A refused range
    // costs 1, and its resolver answers with the reason.
    complexity: (args, context) => {
      if (rangeProblem(args) !== undefined) return 1;
      return listCost(context.node.chain.getBlockTreeHashes(args.fromIndex, args.toIndex).length, BLOCK_READ);
    },
    args: {
      fromIndex: t.arg.int({ required: true, description: 'Lowest index, from 1 (genesis).' }),
      toIndex: t.arg.int({
        required: true,
        description: `Highest index, at least fromIndex and at most fromIndex + ${MAX_RANGE - 1}.`,
      }),
    },
    resolve: (_root, args, context) => {
      const problem = rangeProblem(args);
      if (problem !== undefined) badQueryInput(problem.message, problem.details);
      const chain = context.node.chain;
      const blocks: StoredBlock[] = [];
      for (const hash of chain.getBlockTreeHashes(args.fromIndex, args.toIndex)) blocks.push(chain.getBlock(hash)!);
      return blocks;
    },
  }),
);
