import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestNode } from '../helpers/testNode.js';
import { gql, mineBlocks, type TestNode } from './apiTestKit.js';

/**
 * DESIGN.md ("GraphQL API", Limits): max depth, max aliases, max tokens and max request body (src/api/limits.ts).
 * The thresholds here are far above the defaults, so these tests hold for any sensible setting.
 */

let testNode: TestNode;

beforeEach(async () => {
  testNode = createTestNode();
  await mineBlocks(testNode, 2);
});

afterEach(() => testNode.node.close());

describe('request limits', () => {
  it('refuses a query nested 300 levels deep', async () => {
    let selection = 'hash';
    for (let level = 0; level < 300; level++) selection = `parent { ${selection} }`;
    const result = await gql(testNode.yoga, `{ node { tip { ${selection} } } }`);
    expect(result.errors?.[0]?.message).toMatch(/depth/i);
    expect(result.data ?? null).toBeNull();
  });

  // Every alias runs its resolver, so aliases multiply work; 100 of them stay under the token limit.
  it('refuses a query with 100 aliases', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: node { height }`).join(' ');
    const result = await gql(testNode.yoga, `{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('refuses a 5 MB request body', async () => {
    const result = await gql(testNode.yoga, '{ node { height } }', { padding: 'x'.repeat(5_000_000) });
    expect(result.status).toBe(413);
  });

  it('refuses a document of 20,000 tokens before validating it', async () => {
    const aliases = Array.from({ length: 2_000 }, (_, i) => `a${i}: node { height }`).join(' ');
    const result = await gql(testNode.yoga, `{ ${aliases} }`);
    expect(result.errors?.[0]?.message).toMatch(/token limit/i);
  });

  it('still runs the deepest query the README documents', async () => {
    const result = await gql(
      testNode.yoga,
      '{ chain { blocks(last: 2) { edges { node { transactions { id sender } } } } } }',
    );
    expect(result.errors).toBeUndefined();
  });
});
