/// <reference lib="dom" />
import { BLOCK_TREE_QUERY, type BlockTreeResult, LIMITS_QUERY, type LimitsResult } from './documents.js';
import type { HeightRange } from './forkTree.js';
import { requestGraphQL } from './requestGraphQL.js';

/** What one block of a blockTree answer costs against maxCost (src/api/cost.ts, BLOCK_READ). */
const BLOCK_COST = 400;
/** Pieces are sized for this many blocks per height on average: room for side branches under the cost limit. */
const BLOCKS_PER_HEIGHT = 2;
/** The piece size when the node's limits cannot be read. */
const FALLBACK_PIECE = 32;

/** Reads fork trees from nodes, remembering per node URL how many heights one blockTree request may span. */
export interface BlockTreeReader {
  /**
   * Every block `url` stores in `range`, read with blockTree in pieces that fit the node's cost limit: the first
   * piece is sized from `limits { maxCost maxBlockTreeRange }`, and a piece refused as too complex (a heavily forked
   * range) is halved and asked again.
   * @throws {GraphQLRequestError} when the node cannot be reached or refuses even a single height.
   */
  read(url: string, range: HeightRange): Promise<BlockTreeResult['blockTree']>;
}

/** A reader with nothing learned yet (one per page: the sizes it learns are per node URL). */
export function createBlockTreeReader(): BlockTreeReader {
  /** Heights per blockTree request, per node URL: learned from its limits, halved when a piece was refused. */
  const pieceHeights = new Map<string, number>();

  const learnPiece = async (url: string): Promise<number> => {
    let piece = FALLBACK_PIECE;
    try {
      const { limits } = await requestGraphQL<LimitsResult>(url, LIMITS_QUERY);
      piece = Math.max(
        1,
        Math.min(limits.maxBlockTreeRange, Math.floor(limits.maxCost / BLOCK_COST / BLOCKS_PER_HEIGHT)),
      );
    } catch {
      // An older node without these limits: the fallback, halved on refusal like any other.
    }
    pieceHeights.set(url, piece);
    return piece;
  };

  return {
    read: async (url, range) => {
      let piece = pieceHeights.get(url) ?? (await learnPiece(url));
      const blocks: BlockTreeResult['blockTree'][number][] = [];
      for (let from = range.from; from <= range.to; ) {
        const to = Math.min(range.to, from + piece - 1);
        try {
          const answer = await requestGraphQL<BlockTreeResult>(url, BLOCK_TREE_QUERY, { fromIndex: from, toIndex: to });
          blocks.push(...answer.blockTree);
          from = to + 1;
        } catch (error) {
          if (piece === 1 || !/maxCost|QUERY_TOO_COMPLEX/.test((error as Error).message)) throw error;
          piece = Math.max(1, Math.floor(piece / 2));
          pieceHeights.set(url, piece);
        }
      }
      return blocks;
    },
  };
}
