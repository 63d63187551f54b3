import { afterEach, describe, expect, it } from 'vitest';
import { ClientNewBlockDocument } from '../../src/client/documents.js';
import { SubscriptionOverflowError } from '../../src/client/errors.js';
import { openSubscription } from '../../src/client/openSubscription.js';
import { startTestServer, type TestServer } from './clientTestKit.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

describe('subscription buffering in the typed client', () => {
  it('wakes every overlapping next() call, each with its own event', async () => {
    const served = await startTestServer();
    servers.push(served);
    const blocks = openSubscription(
      { url: served.url, document: ClientNewBlockDocument, variables: { afterIndex: 1 }, connectTimeoutMs: 5_000 },
      'newBlock',
    );
    try {
      await blocks.connected;
      const first = blocks.next();
      const second = blocks.next();
      await served.node.mine();
      await served.node.mine();
      const results = await Promise.race([
        Promise.all([first, second]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a next() call was never woken')), 5_000)),
      ]);
      expect(results.map((result) => result.value?.index)).toEqual([2, 3]);
    } finally {
      await blocks.close();
    }
  });

  it('ends with SubscriptionOverflowError when more events wait unread than the buffer holds', async () => {
    const served = await startTestServer();
    servers.push(served);
    for (let i = 0; i < 6; i++) await served.node.mine();
    // afterIndex 1 replays the 6 mined blocks at once; nobody reads them.
    const blocks = openSubscription(
      {
        url: served.url,
        document: ClientNewBlockDocument,
        variables: { afterIndex: 1 },
        connectTimeoutMs: 5_000,
        maxBufferedEvents: 3,
      },
      'newBlock',
    );
    await blocks.connected;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(blocks.next()).rejects.toBeInstanceOf(SubscriptionOverflowError);
    expect((await blocks.next()).done).toBe(true);
  });
});
