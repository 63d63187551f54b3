import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_READ } from '../../src/api/cost.js';
import { createTestNode } from '../helpers/testNode.js';
import { gqlData, mineBlocks, mineViaApi, SseReader, subscribeSse, type TestNode, waitUntil } from './apiTestKit.js';

const NEW_BLOCK = `subscription NewBlock($afterIndex: Int) {
  newBlock(afterIndex: $afterIndex) { index hash previousHash transactionCount }
}`;

let testNode: TestNode;
const readers: SseReader[] = [];

beforeEach(() => {
  testNode = createTestNode();
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  testNode.node.close();
});

/** Opens a newBlock subscription over SSE and waits until the node delivers blocks to it. */
async function subscribe(variables: Record<string, unknown> = {}, method: 'POST' | 'GET' = 'POST'): Promise<SseReader> {
  const listenersBefore = testNode.node.events.listenerCount('blockConnected');
  let reader: SseReader;
  if (method === 'POST') {
    reader = await subscribeSse(testNode.yoga, NEW_BLOCK, variables);
  } else {
    const url = new URL('http://yoga/graphql');
    url.searchParams.set('query', NEW_BLOCK);
    url.searchParams.set('variables', JSON.stringify(variables));
    const response = await testNode.yoga.fetch(url.toString(), {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
    });
    expect(response.status).toBe(200);
    reader = new SseReader(response);
  }
  readers.push(reader);
  // The reader pulls the body at once, which starts the subscription; wait until it listens to the node.
  await waitUntil(() => testNode.node.events.listenerCount('blockConnected') > listenersBefore);
  return reader;
}

describe('newBlock over server-sent events', () => {
  it('delivers a block mined after subscribing (POST)', async () => {
    const reader = await subscribe();
    const mined = await mineViaApi(testNode);
    const event = await reader.next();
    expect(event).toEqual({
      data: { newBlock: { index: 2, hash: mined.hash, previousHash: mined.previousHash, transactionCount: 1 } },
      // The event's cost: newBlock (1, and a block read to replay) and its four fields.
      extensions: { chain: { height: 2, tipHash: mined.hash }, cost: { estimated: 5 + BLOCK_READ, limit: 50_000 } },
    });
  });

  it('delivers a block mined after subscribing (GET)', async () => {
    const reader = await subscribe({}, 'GET');
    const mined = await mineViaApi(testNode);
    expect((await reader.next()).data.newBlock).toMatchObject({ index: 2, hash: mined.hash });
  });

  it('delivers several blocks in chain order', async () => {
    const reader = await subscribe();
    await mineBlocks(testNode, 3);
    const indices = [
      (await reader.next()).data.newBlock.index,
      (await reader.next()).data.newBlock.index,
      (await reader.next()).data.newBlock.index,
    ];
    expect(indices).toEqual([2, 3, 4]);
  });

  it('with afterIndex, replays the blocks after it, then streams new ones, in order and without duplicates', async () => {
    await mineBlocks(testNode, 3); // blocks 2, 3, 4
    const reader = await subscribe({ afterIndex: 1 });
    const replayed = [];
    for (let i = 0; i < 3; i++) replayed.push((await reader.next()).data.newBlock);
    expect(replayed.map((block) => block.index)).toEqual([2, 3, 4]);
    expect(replayed.map((block) => block.hash)).toEqual(
      [2, 3, 4].map((index) => testNode.node.chain.getBlockAt(index)!.hash),
    );

    const fifth = await mineViaApi(testNode);
    const live = (await reader.next()).data.newBlock;
    expect(live).toMatchObject({ index: 5, hash: fifth.hash, previousHash: replayed[2].hash });

    // Nothing else was queued: the next event is the next block, not a repeat.
    const sixth = await mineViaApi(testNode);
    expect((await reader.next()).data.newBlock).toMatchObject({ index: 6, hash: sixth.hash });
  });

  it('with afterIndex at the tip, replays nothing and streams the next block', async () => {
    await mineBlocks(testNode, 2);
    const reader = await subscribe({ afterIndex: 3 });
    const mined = await mineViaApi(testNode);
    expect((await reader.next()).data.newBlock).toMatchObject({ index: 4, hash: mined.hash });
  });

  it('stops listening to the node when the client cancels the stream', async () => {
    const before = testNode.node.events.listenerCount('blockConnected');
    const reader = await subscribe();
    expect(testNode.node.events.listenerCount('blockConnected')).toBe(before + 1);
    readers.splice(readers.indexOf(reader), 1);
    await reader.cancel();
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') === before);
    await mineBlocks(testNode, 1); // the node mines on without the departed subscriber
    const data = await gqlData(testNode.yoga, '{ node { height } }');
    expect(data.node.height).toBe(2);
  });
});
