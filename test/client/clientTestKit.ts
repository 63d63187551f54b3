import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiLimits } from '../../src/api/limits.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import type { TrustedDocuments } from '../../src/api/trustedDocuments.js';
import type { HeaderTemplate } from '../../src/chain/block.js';
import type { BlockHeader } from '../../src/chain/types.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import type { Miner, MinerStats } from '../../src/mining/miner.js';
import type { Node } from '../../src/node/node.js';
import { createTestNode } from '../helpers/testNode.js';

/**
 * Real servers for the client tests: a test-network node (difficulty 8, main-thread miner, the real clock) served
 * by `startServer` on 127.0.0.1 with a free port, so requests and WebSockets go through real sockets.
 */
export interface TestServer {
  readonly node: Node;
  readonly url: string;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/**
 * Starts a served test node. `label` picks its wallet; `adminToken`, `limits` and `trustedDocuments` (the node runs
 * only those, as with `--trusted-documents`) configure the API.
 */
export async function startTestServer(
  options: {
    label?: string;
    adminToken?: string;
    limits?: Partial<ApiLimits>;
    miner?: Miner;
    trustedDocuments?: TrustedDocuments;
  } = {},
): Promise<TestServer> {
  const { node } = createTestNode({
    label: options.label ?? 'client-node',
    clock: () => Date.now(),
    ...(options.miner === undefined ? {} : { miner: options.miner }),
  });
  const server = await startServer(node, {
    host: '127.0.0.1',
    port: 0,
    ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.trustedDocuments === undefined ? {} : { trustedDocuments: options.trustedDocuments }),
  });
  return {
    node,
    url: server.url,
    server,
    close: async () => {
      node.close();
      await server.close();
    },
  };
}

/**
 * A miner that holds each job for `delayMs` before searching (difficulty 8 takes a millisecond), so a block takes
 * long enough for the node's once-a-second miningProgress reports. It reports a steady hashrate meanwhile.
 */
export class SlowMiner implements Miner {
  readonly #inner = new MainThreadMiner();
  readonly #delayMs: number;
  readonly #createdAt = performance.now();

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  async mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader> {
    await sleep(this.#delayMs, undefined, { signal });
    return this.#inner.mine(template, signal);
  }

  /** A steady 1 MH/s: the tries grow with the time since the miner was made. */
  stats(): MinerStats {
    const busyMs = performance.now() - this.#createdAt;
    return { tries: Math.round(busyMs * 1_000), busyMs, hashrate: 1_000_000 };
  }
}

/** Polls `check` every 20 ms until it holds, or throws after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
