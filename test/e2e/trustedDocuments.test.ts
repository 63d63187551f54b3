import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { assertOk } from '../../src/client/result.js';
import { generateWallet } from '../../src/wallet/wallet.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { launchChromium, watchPageProblems } from './dashboardBrowser.js';

/**
 * Two real node processes, both started with `--trusted-documents`: they register, sync (resolve), gossip blocks and
 * relay transfers to each other through the peer protocol's trusted documents; the typed client drives them; anything
 * else is refused with PERSISTED_QUERY_ONLY over HTTP and graphql-ws; GraphiQL's address says why there is no editor;
 * and the dashboard, whose documents are trusted too, runs in Chromium as on any node.
 */

const FLAGS = ['--difficulty', '10', '--miner-threads', '1', '--sync-interval', '0', '--trusted-documents'];

let first: NodeProcess;
let second: NodeProcess;
let a: NodeClient;
let b: NodeClient;

beforeAll(async () => {
  [first, second] = await Promise.all([startNodeProcess(FLAGS), startNodeProcess(FLAGS)]);
  a = createNodeClient(first.url);
  b = createNodeClient(second.url);
}, 30_000);

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

/** Polls `read` every 50 ms until `done` holds for its value; throws after `timeoutMs`. */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await sleep(50);
  }
}

describe('two node processes with trusted documents only', () => {
  it('both say the mode is on', async () => {
    expect((await a.limits()).trustedDocumentsOnly).toBe(true);
    expect((await b.limits()).trustedDocumentsOnly).toBe(true);
  });

  it('register each other and resolve: the first adopts the longer chain of the second', async () => {
    for (let i = 0; i < 3; i++) assertOk(await b.mine());
    const registered = await a.registerNodes([second.url]);
    assertOk(registered);
    expect(registered.added).toEqual([expect.objectContaining({ url: second.url, status: 'REACHABLE' })]);
    const resolution = await a.resolve();
    expect(resolution.replaced).toBe(true);
    expect(resolution.peers).toEqual([
      expect.objectContaining({ url: second.url, outcome: 'ADOPTED', blocksFetched: 3 }),
    ]);
    expect((await a.node()).tip.hash).toBe((await b.node()).tip.hash);
    // Symmetric registration went through too: the second node registered the first one back.
    expect((await b.peers()).map((peer) => peer.url)).toEqual([first.url]);
  });

  it('gossip: a block mined on one reaches the other (and its subscribers) without resolve', async () => {
    const blocks = b.subscribeNewBlocks();
    try {
      await blocks.connected;
      const mined = await a.mine();
      assertOk(mined);
      const arrived = await blocks.next();
      expect(arrived.value).toMatchObject({ index: mined.block.index, hash: mined.block.hash });
      await until(
        'the block on the second node',
        () => b.node(),
        (info) => info.tip.hash === mined.block.hash,
      );
    } finally {
      await blocks.close();
    }
    const back = await b.mine();
    assertOk(back);
    await until(
      'the second node’s block on the first',
      () => a.node(),
      (info) => info.tip.hash === back.block.hash,
    );
  });

  it('relay: transfers accepted by one reach the mempool of the other', async () => {
    // The first node's wallet earns 1 coin a block: enough for these three transfers and the dashboard's one.
    for (let i = 0; i < 4; i++) assertOk(await a.mine());
    const recipients = [generateWallet(), generateWallet(), generateWallet()];
    const sent = await Promise.all(recipients.map((wallet) => a.send(wallet.address, 1)));
    const ids = sent.map((result) => {
      assertOk(result);
      return result.transaction.id;
    });
    const pending = await until(
      'the transfers in the second node’s mempool',
      () => b.pendingTransactions(),
      (list) => ids.every((id) => list.some((tx) => tx.id === id)),
    );
    expect(pending.length).toBeGreaterThanOrEqual(3);
    const mined = await b.mine();
    assertOk(mined);
    expect(mined.block.transactions.map((tx) => tx.id)).toEqual(expect.arrayContaining(ids));
    await until(
      'the block with the transfers on the first node',
      () => a.pendingTransactions(),
      (list) => list.length === 0,
    );
  });

  it('refuses any other operation with PERSISTED_QUERY_ONLY, over HTTP and graphql-ws', async () => {
    const response = await fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { mine { __typename } }' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    expect(body.errors[0].message).toContain('--trusted-documents');
    expect(body.extensions.chain.height).toBe((await a.node()).height);

    const socket = createClient({ url: first.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const refused = await socket
        .iterate({ query: 'subscription { newBlock { index } }' })
        .next()
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(refused).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_ONLY' } })]);
    } finally {
      await socket.dispose();
    }
  });

  it('serves a page that says why at the GraphiQL address, and not the editor', async () => {
    const page = await fetch(first.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('GraphiQL is off: this node runs trusted documents only');
    expect(html).not.toContain('<script');
    expect((await fetch(new URL('/graphiql/graphiql.js', first.url))).status).toBe(404);
  });
});

describe('the dashboard of a node with trusted documents only (headless Chromium)', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let answered = 0;

  beforeAll(async () => {
    browser = await launchChromium(15_000);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(5_000);
    watchPageProblems(page, problems);
    // Every GraphQL answer the page gets over HTTP: none may be a refusal.
    page.on('response', (response) => {
      if (!response.url().endsWith('/graphql')) return;
      void response.text().then(
        (text) => {
          answered += 1;
          if (response.status() !== 200 || text.includes('PERSISTED_QUERY_ONLY'))
            problems.push(`${response.status()} ${text.slice(0, 300)}`);
        },
        () => undefined,
      );
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('goes live (snapshot over HTTP, subscriptions over graphql-ws), shows mined blocks, peers and search', async () => {
    const origin = new URL(first.url).origin;
    await page.goto(`${origin}/`, { timeout: 10_000 });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    const height = (await a.node()).height;
    await expect.poll(() => page.getByTestId('tip-height').textContent(), { timeout: 2_000 }).toBe(`#${height}`);
    await page.locator(`[data-testid="peer-row"][data-status="REACHABLE"]`).waitFor({ timeout: 2_000 });

    const mined = await a.mine();
    assertOk(mined);
    const row = page.locator(`[data-testid="block-row"][data-index="${mined.block.index}"]`);
    await row.waitFor({ timeout: 2_000 });
    expect(await row.getAttribute('data-hash')).toBe(mined.block.hash);

    const recipient = generateWallet();
    assertOk(await a.send(recipient.address, 1));
    await expect
      .poll(() => page.getByTestId('mempool-count').textContent(), { timeout: 2_000, interval: 50 })
      .toBe('1');

    await page.getByTestId('search-input').fill('2');
    await page.getByTestId('search-input').press('Enter');
    await page.locator('[data-testid="search-result"][data-kind="block"]').waitFor({ timeout: 2_000 });
    await page.getByTestId('search-input').fill(recipient.address);
    await page.getByTestId('search-input').press('Enter');
    await page.locator('[data-testid="search-result"][data-kind="account"]').waitFor({ timeout: 2_000 });
    expect(await page.getByTestId('search-result').getByTestId('result-address').textContent()).toBe(recipient.address);
  });

  it('ran without a refused operation, an uncaught error or a Content-Security-Policy violation', async () => {
    await sleep(200);
    expect(answered).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
