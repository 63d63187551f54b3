import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBlockTreeReader } from '../../src/dashboard/app/readBlockTree.js';

const URL_A = 'http://127.0.0.1:4000/graphql';

/** A node that allows `maxCost` and refuses blockTree ranges of more than `maxHeights` heights as too complex. */
function fakeNode(maxCost: number, maxHeights: number) {
  const asked: string[] = [];
  const fetch = vi.fn(async (_url: string, init: { body: string }) => {
    const { query, variables } = JSON.parse(init.body) as { query: string; variables: Record<string, number> };
    if (query.includes('limits')) {
      asked.push('limits');
      return Response.json({ data: { limits: { maxCost, maxBlockTreeRange: 1000 } } });
    }
    const { fromIndex, toIndex } = variables as { fromIndex: number; toIndex: number };
    asked.push(`${fromIndex}-${toIndex}`);
    if (toIndex - fromIndex + 1 > maxHeights) {
      return Response.json(
        {
          errors: [
            { message: 'the estimated cost is over the limit (maxCost)', extensions: { code: 'QUERY_TOO_COMPLEX' } },
          ],
        },
        { status: 400 },
      );
    }
    const blockTree = [];
    for (let index = fromIndex; index <= toIndex; index++) blockTree.push({ index, hash: `h${index}`, isBest: true });
    return Response.json({ data: { blockTree } });
  });
  vi.stubGlobal('fetch', fetch);
  return asked;
}

describe('reading the fork tree with blockTree in pieces', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sizes pieces from maxCost (400 per block, room for two per height) and halves a piece that is refused', async () => {
    // 8,000 / 400 / 2 = 10 heights per piece; this node refuses more than 4.
    const asked = fakeNode(8_000, 4);
    const reader = createBlockTreeReader();
    const blocks = await reader.read(URL_A, { from: 3, to: 14 });
    expect(blocks.map((block) => block.index)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(asked).toEqual(['limits', '3-12', '3-7', '3-4', '5-6', '7-8', '9-10', '11-12', '13-14']);
    // What it learned is kept for the next read of that node.
    asked.length = 0;
    await reader.read(URL_A, { from: 1, to: 4 });
    expect(asked).toEqual(['1-2', '3-4']);
  });

  it('gives up with the error when even one height is refused, and passes other errors on at once', async () => {
    fakeNode(8_000, 0);
    await expect(createBlockTreeReader().read(URL_A, { from: 1, to: 3 })).rejects.toThrow(/maxCost/);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('fetch failed');
      }),
    );
    await expect(createBlockTreeReader().read(URL_A, { from: 1, to: 3 })).rejects.toThrow(/unreachable/);
  });
});
