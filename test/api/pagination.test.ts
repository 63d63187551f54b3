import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNode } from '../helpers/testNode.js';
import { gqlData, gqlError, mineBlocks, type TestNode } from './apiTestKit.js';

/** Height of the chain every test pages through: more than one default page. */
const HEIGHT = 25;

const PAGE = `query Page($first: Int, $after: String, $last: Int, $before: String) {
  chain {
    blocks(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { index hash } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

interface Page {
  readonly indices: number[];
  readonly cursors: string[];
  readonly pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

let testNode: TestNode;

async function page(args: { first?: number; after?: string; last?: number; before?: string }): Promise<Page> {
  const data = await gqlData(testNode.yoga, PAGE, args);
  const { edges, pageInfo } = data.chain.blocks;
  return {
    indices: edges.map((edge: any) => edge.node.index),
    cursors: edges.map((edge: any) => edge.cursor),
    pageInfo,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

beforeAll(async () => {
  testNode = createTestNode();
  await mineBlocks(testNode, HEIGHT - 1);
  expect(testNode.node.chain.height).toBe(HEIGHT);
});

afterAll(() => testNode.node.close());

describe('chain.blocks as a Relay connection', () => {
  it('returns the first 20 blocks, oldest first, when no page is asked for', async () => {
    const result = await page({});
    expect(result.indices).toEqual(range(1, 20));
    expect(result.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: '1', endCursor: '20' });
  });

  it('uses the block index as the cursor of each edge', async () => {
    const result = await page({ first: 100 });
    expect(result.indices).toEqual(range(1, HEIGHT));
    expect(result.cursors).toEqual(result.indices.map(String));
  });

  it('pages forward with first/after from the end cursor of the previous page', async () => {
    const result = await page({ first: 5, after: '20' });
    expect(result.indices).toEqual(range(21, 25));
    expect(result.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: '21', endCursor: '25' });
  });

  it('walks the whole chain page by page without gaps or repeats', async () => {
    const seen: number[] = [];
    let after: string | undefined;
    for (let requests = 0; requests < 10; requests++) {
      const result = await page({ first: 7, ...(after === undefined ? {} : { after }) });
      seen.push(...result.indices);
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor!;
    }
    expect(seen).toEqual(range(1, HEIGHT));
  });

  it('returns the newest blocks with last, still oldest first', async () => {
    const result = await page({ last: 3 });
    expect(result.indices).toEqual([23, 24, 25]);
    expect(result.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true, startCursor: '23', endCursor: '25' });
  });

  it('pages backward with last/before', async () => {
    const result = await page({ last: 3, before: '10' });
    expect(result.indices).toEqual([7, 8, 9]);
    expect(result.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true, startCursor: '7', endCursor: '9' });
  });

  it('takes from the start of the chain with first alone', async () => {
    const result = await page({ first: 2 });
    expect(result.indices).toEqual([1, 2]);
    expect(result.pageInfo.hasPreviousPage).toBe(false);
    expect(result.pageInfo.hasNextPage).toBe(true);
  });

  it('answers the largest page, 100, in full', async () => {
    expect((await page({ last: 100 })).indices).toEqual(range(1, HEIGHT));
  });

  it('returns an empty page with null cursors past the tip or for a page of 0', async () => {
    for (const args of [{ after: String(HEIGHT) }, { after: '999' }, { first: 0 }, { last: 0 }, { before: '1' }]) {
      const result = await page(args);
      expect(result.indices, JSON.stringify(args)).toEqual([]);
      expect(result.pageInfo).toEqual({
        hasNextPage: false,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: null,
      });
    }
  });
});

describe('chain.blocks refuses pages it cannot answer exactly', () => {
  it.each([
    ['first: 101', { first: 101 }, /first.*100/],
    ['last: 101', { last: 101 }, /last.*100/],
    ['first: -1', { first: -1 }, /first.*negative/],
    ['last: -1', { last: -1 }, /last.*negative/],
    ['an after cursor that is not a block index', { after: 'abc' }, /after.*cursor/],
    ['an opaque Relay-style cursor', { after: 'YXJyYXljb25uZWN0aW9uOjA=' }, /after.*cursor/],
    ['a negative before cursor', { before: '-1' }, /before.*cursor/],
    ['a fractional cursor', { after: '1.5' }, /after.*cursor/],
  ])('answers %s with a BAD_USER_INPUT error and no truncated page', async (_name, args, message) => {
    const error = await gqlError(testNode.yoga, PAGE, args);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
    expect(error.path).toEqual(['chain', 'blocks']);
    // chain is non-null, so the error nulls the whole response: no partial page reaches the client.
    expect(error.data).toBeNull();
  });
});
