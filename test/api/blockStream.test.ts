import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBlockStream } from '../../src/api/blockStream.js';
import { createTestNode } from '../helpers/testNode.js';
import { mineBlocks, type TestNode } from './apiTestKit.js';

let testNode: TestNode;

beforeEach(() => {
  testNode = createTestNode();
});

afterEach(() => testNode.node.close());

async function nextIndex(stream: AsyncIterator<{ block: { header: { index: number } } }>): Promise<number> {
  const result = await stream.next();
  expect(result.done).toBe(false);
  return result.value.block.header.index;
}

describe('newBlockStream, the source of the newBlock subscription', () => {
  it('sends a block connected during the replay once, in chain order', async () => {
    await mineBlocks(testNode, 3); // blocks 2, 3, 4
    const stream = newBlockStream(testNode.node, 1);
    expect(await nextIndex(stream)).toBe(2);
    // Block 5 joins while blocks 3 and 4 are still to be replayed: the replay reaches it and the live copy is skipped.
    await mineBlocks(testNode, 1);
    const indices = [await nextIndex(stream), await nextIndex(stream), await nextIndex(stream)];
    expect(indices).toEqual([3, 4, 5]);
    await mineBlocks(testNode, 1);
    expect(await nextIndex(stream)).toBe(6);
    await stream.return?.();
  });

  it('replays from genesis for afterIndex 0 or below', async () => {
    await mineBlocks(testNode, 1);
    for (const afterIndex of [0, -10]) {
      const stream = newBlockStream(testNode.node, afterIndex);
      expect([await nextIndex(stream), await nextIndex(stream)]).toEqual([1, 2]);
      await stream.return?.();
    }
  });

  it('replays nothing for an afterIndex beyond the tip and waits for new blocks', async () => {
    const stream = newBlockStream(testNode.node, 50);
    const next = nextIndex(stream);
    await mineBlocks(testNode, 1);
    expect(await next).toBe(2);
    await stream.return?.();
  });

  it('removes its node listener when the consumer returns', async () => {
    const stream = newBlockStream(testNode.node, undefined);
    const next = stream.next();
    await mineBlocks(testNode, 1);
    await next;
    expect(testNode.node.events.listenerCount('blockConnected')).toBe(1);
    await stream.return?.();
    expect(testNode.node.events.listenerCount('blockConnected')).toBe(0);
  });
});
