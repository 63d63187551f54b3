import { Repeater } from 'graphql-yoga';
import type { StoredBlock } from '../chain/db/model.js';
import type { Node } from '../node/node.js';
import { DEFAULT_API_LIMITS } from './limits.js';

/**
 * Every block that joins the best chain from now on; with `afterIndex`, first the best-chain blocks after that
 * index. Listens before replaying, so nothing connected during the replay is missed or sent twice. Each push waits
 * for the consumer, so a replay of any length holds one block at a time; a subscriber more than `maxBacklog` live
 * blocks behind gets an error and the stream ends (memory stays bounded).
 */
export function newBlockStream(
  node: Node,
  afterIndex: number | null | undefined,
  maxBacklog: number = DEFAULT_API_LIMITS.subscriptionBacklog,
): Repeater<StoredBlock> {
  return new Repeater<StoredBlock>(async (push, stop) => {
    const live: StoredBlock[] = [];
    let wake: () => void = () => {};
    let stopped = false;
    void stop.then(() => {
      stopped = true;
      wake();
    });
    const startHeight = node.chain.height;
    const unsubscribe = node.events.on('blockConnected', (block) => {
      if (live.length >= maxBacklog) {
        stop(new Error(`subscriber fell more than ${maxBacklog} blocks behind; resubscribe with afterIndex`));
        return;
      }
      live.push(block);
      wake();
    });
    const replayed = new Set<string>();
    try {
      if (afterIndex !== null && afterIndex !== undefined) {
        for (let index = Math.max(afterIndex, 0) + 1; index <= node.chain.height && !stopped; index++) {
          const block = node.chain.getBlockAt(index)!;
          if (index > startHeight) replayed.add(block.hash);
          await push(block);
        }
      }
      while (!stopped) {
        const block = live.shift();
        if (block === undefined) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (!replayed.has(block.hash)) await push(block);
      }
    } finally {
      unsubscribe();
    }
  });
}
