import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, parse, validate } from 'graphql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_DOCUMENTS } from '../../src/dashboard/app/documents.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { askNode, launchChromium, watchPageProblems } from './dashboardBrowser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The screenshot goes to the system's temporary folder, so a test run leaves the working tree clean;
 * `UPDATE_SCREENSHOT=1` writes the README's docs/dashboard.png instead.
 */
const SCREENSHOT_DIR =
  process.env.UPDATE_SCREENSHOT === '1' ? join(ROOT, 'docs') : join(tmpdir(), 'graphql-node-dashboard');
const SCREENSHOT = join(SCREENSHOT_DIR, 'dashboard.png');
/** Easy blocks (8 bits, about 256 tries) mined by one thread: `mine` answers in milliseconds. */
const NODE_FLAGS = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0'];

const MINE = 'mutation { mine { __typename ... on MineSuccess { block { index hash transactions { id } } } } }';
const NODE = '{ node { address height } }';
const SEND = `mutation($to: String!) {
  send(recipient: $to, amount: 1) { __typename ... on TransactionAccepted { transaction { id } } ... on Error { code message } }
}`;

interface Mined {
  mine: { __typename: string; block: { index: number; hash: string; transactions: { id: string }[] } };
}

describe('the live dashboard at / (a real node process, headless Chromium)', () => {
  let dataDir: string;
  let node: NodeProcess;
  let peer: NodeProcess;
  let browser: Browser;
  let page: Page;
  let origin: string;
  /** Uncaught page errors and Content-Security-Policy violations: the page must have none. */
  const pageProblems: string[] = [];

  const mine = async (): Promise<Mined['mine']['block']> => {
    const { mine: result } = await askNode<Mined>(node.url, MINE);
    expect(result.__typename).toBe('MineSuccess');
    return result.block;
  };
  const search = async (text: string): Promise<void> => {
    await page.getByTestId('search-input').fill(text);
    await page.getByTestId('search-input').press('Enter');
  };

  beforeAll(async () => {
    // Chromium first: when it is missing the suite fails right here, with what to install.
    browser = await launchChromium(15_000);
    dataDir = mkdtempSync(join(tmpdir(), 'gql-dashboard-'));
    node = await startNodeProcess(NODE_FLAGS, 20_000, dataDir);
    origin = new URL(node.url).origin;
    // The second node lets pages from the first one's origin call it (for ?node=); the first allows no other origin.
    peer = await startNodeProcess([...NODE_FLAGS, '--cors-origin', origin]);
    page = await browser.newPage({ viewport: { width: 1440, height: 1024 } });
    page.setDefaultTimeout(5_000);
    watchPageProblems(page, pageProblems);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([node?.stop(), peer?.stop()]);
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends only operations that validate against schema.graphql', () => {
    const schema = buildSchema(readFileSync(join(ROOT, 'schema.graphql'), 'utf8'));
    for (const document of ALL_DOCUMENTS)
      expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });

  it('serves the page, script and styles with their content types, nosniff and a CSP, and leaves other paths to the API', async () => {
    const expectations: [string, RegExp][] = [
      ['/', /^text\/html; charset=utf-8$/],
      ['/?node=http://127.0.0.1:1/graphql', /^text\/html; charset=utf-8$/],
      ['/dashboard.js', /^text\/javascript; charset=utf-8$/],
      ['/dashboard.css', /^text\/css; charset=utf-8$/],
      ['/favicon.svg', /^image\/svg\+xml$/],
    ];
    for (const [path, type] of expectations) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toMatch(type);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect((await response.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    const script = await fetch(`${origin}/dashboard.js`, { headers: { 'accept-encoding': 'gzip' } });
    const etag = script.headers.get('etag')!;
    expect(etag).toMatch(/^"/);
    expect((await fetch(`${origin}/dashboard.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const head = await fetch(`${origin}/`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    // Not the dashboard's: POST /, other paths, and /graphql (queries and GraphiQL) stay with the API.
    expect(
      (await fetch(`${origin}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(404);
    expect((await fetch(`${origin}/nothing-here`)).status).toBe(404);
    expect(await askNode<{ node: { height: number } }>(node.url, '{ node { height } }')).toEqual({
      node: { height: 1 },
    });
    const graphiql = await fetch(node.url, { headers: { accept: 'text/html' } });
    expect(graphiql.headers.get('content-type')).toMatch(/text\/html/);
    // GraphiQL's page carries its own policy (test/e2e/graphiql.test.ts), not the dashboard's.
    expect(graphiql.headers.get('content-security-policy')).toContain("worker-src 'self'");
    expect(await graphiql.text()).toContain('graphiql/graphiql.js');
  });

  it('goes live and shows the tip', async () => {
    await page.goto(`${origin}/`, { timeout: 10_000 });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('tip-height').textContent(), { timeout: 2_000 }).toBe('#1');
    await page.locator('[data-testid="block-row"][data-index="1"]').waitFor({ timeout: 2_000 });
  });

  it('shows a block mined through the API within 2 s, through the newBlock subscription', async () => {
    const block = await mine();
    const mined = Date.now();
    const row = page.locator(`[data-testid="block-row"][data-index="${block.index}"]`);
    await row.waitFor({ timeout: 2_000 });
    const elapsed = Date.now() - mined;
    expect(await row.getAttribute('data-hash')).toBe(block.hash);
    expect(elapsed).toBeLessThan(2_000);
    await expect.poll(() => page.getByTestId('tip-height').textContent(), { timeout: 2_000 }).toBe(`#${block.index}`);
    // The list is newest first.
    expect(await page.getByTestId('block-row').first().getAttribute('data-index')).toBe(String(block.index));
  });

  it('draws the block time, difficulty and hashrate charts', async () => {
    for (let i = 0; i < 3; i++) await mine();
    for (const chart of ['chart-block-time', 'chart-difficulty', 'chart-hashrate']) {
      const canvas = page.getByTestId(chart).locator('canvas');
      await canvas.waitFor({ timeout: 2_000 });
      const size = await canvas.evaluate((element) => [
        (element as HTMLCanvasElement).width,
        (element as HTMLCanvasElement).height,
      ]);
      expect(size[0], chart).toBeGreaterThan(100);
      expect(size[1], chart).toBeGreaterThan(50);
    }
  });

  it('finds a block by index, an account by address and a transaction by id', async () => {
    const block = await askNode<{ block: { hash: string; transactions: { id: string }[] } }>(
      node.url,
      '{ block(index: 2) { hash transactions { id } } }',
    );
    await search('2');
    const result = page.getByTestId('search-result');
    await page.locator('[data-testid="search-result"][data-kind="block"]').waitFor({ timeout: 2_000 });
    expect(await result.getByTestId('result-hash').textContent()).toBe(block.block.hash);

    const { node: info } = await askNode<{ node: { address: string; height: number } }>(node.url, NODE);
    const { account } = await askNode<{ account: { balance: number } }>(
      node.url,
      `{ account(address: "${info.address}") { balance } }`,
    );
    expect(account.balance).toBe(info.height - 1);
    await search(info.address);
    await page.locator('[data-testid="search-result"][data-kind="account"]').waitFor({ timeout: 2_000 });
    expect(await result.getByTestId('result-address').textContent()).toBe(info.address);
    expect(await result.getByTestId('account-balance').textContent()).toBe(String(account.balance));

    await search(block.block.transactions[0]!.id);
    await page.locator('[data-testid="search-result"][data-kind="transaction"]').waitFor({ timeout: 2_000 });

    await search('999999');
    await page.locator('[data-testid="search-result"][data-kind="none"]').waitFor({ timeout: 2_000 });
    expect(await result.textContent()).toContain('No block #999999');
  });

  it('shows peers as they are registered and transactions waiting in the mempool', async () => {
    const registered = await askNode<{ registerNodes: { __typename: string } }>(
      node.url,
      'mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }',
      { urls: [peer.url] },
    );
    expect(registered.registerNodes.__typename).toBe('RegisterNodesSuccess');
    await page.locator(`[data-testid="peer-row"][data-status="REACHABLE"]`).waitFor({ timeout: 2_000 });
    expect(await page.getByTestId('peer-list').textContent()).toContain(peer.url);

    const { node: other } = await askNode<{ node: { address: string } }>(peer.url, NODE);
    const sent = await askNode<{ send: { __typename: string } }>(node.url, SEND, { to: other.address });
    expect(sent.send.__typename).toBe('TransactionAccepted');
    // pendingTransaction brings it at once (well inside the 3 s between the page's polls of other things).
    await expect
      .poll(() => page.getByTestId('mempool-count').textContent(), { timeout: 1_500, interval: 50 })
      .toBe('1');
    expect(await page.getByTestId('mempool-list').textContent()).toContain(other.address.slice(0, 4));
    await mine();
    await expect
      .poll(() => page.getByTestId('mempool-count').textContent(), { timeout: 5_000, interval: 100 })
      .toBe('0');
  });

  it('watches another node given in ?node= when it allows this origin (--cors-origin), and says so when it does not', async () => {
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      const { node: info } = await askNode<{ node: { height: number } }>(peer.url, NODE);
      await other.goto(`${origin}/?node=${encodeURIComponent(peer.url)}`, { timeout: 10_000 });
      await other.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
      await expect
        .poll(() => other.getByTestId('tip-height').textContent(), { timeout: 2_000 })
        .toBe(`#${info.height}`);
      expect(await other.locator('.brand-sub').textContent()).toContain(peer.url);

      // The other way round: the first node sends no CORS headers, so its HTTP API stays closed to the peer's page.
      await other.goto(`${new URL(peer.url).origin}/?node=${encodeURIComponent(node.url)}`, { timeout: 10_000 });
      await expect
        .poll(() => other.getByTestId('problem').textContent(), { timeout: 5_000 })
        .toContain('--cors-origin');
      expect(await other.getByTestId('connection').getAttribute('data-state')).not.toBe('live');
    } finally {
      await other.close();
    }
  });

  it('shows the connection dropping when the node stops, reconnects when it is back, and catches up', async () => {
    const port = node.port;
    await node.stop();
    await page.locator('[data-testid="connection"][data-state="offline"]').waitFor({ timeout: 3_000 });
    node = await startNodeProcess([...NODE_FLAGS, '--port', String(port)], 20_000, dataDir);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    const block = await mine();
    await page.locator(`[data-testid="block-row"][data-index="${block.index}"]`).waitFor({ timeout: 2_000 });
  }, 40_000);

  it('saves a screenshot of a busy dashboard (docs/dashboard.png with UPDATE_SCREENSHOT=1)', async () => {
    await askNode(node.url, 'mutation { startMining { continuous } }');
    await page.waitForTimeout(4_000);
    // stopMining lets the block in progress finish: at the difficulty reached that is about a second, rarely more.
    await askNode(node.url, 'mutation { stopMining { continuous } }');
    await expect
      .poll(async () => (await askNode<{ node: { mining: boolean } }>(node.url, '{ node { mining } }')).node.mining, {
        timeout: 15_000,
      })
      .toBe(false);
    const { node: other } = await askNode<{ node: { address: string } }>(peer.url, NODE);
    for (let i = 0; i < 3; i++) await askNode(node.url, SEND, { to: other.address });
    await expect
      .poll(() => page.getByTestId('mempool-count').textContent(), { timeout: 5_000, interval: 100 })
      .toBe('3');
    const { node: info } = await askNode<{ node: { height: number } }>(node.url, NODE);
    await expect
      .poll(() => page.getByTestId('tip-height').textContent(), { timeout: 2_000 })
      .toBe(`#${info.height.toLocaleString('en-US')}`);
    await page.getByTestId('search-result').locator('button.close').click();
    await page.waitForTimeout(1_700); // the newest rows finish sliding in
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true, timeout: 10_000 });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  }, 50_000);

  it('ran without uncaught errors or Content-Security-Policy violations in the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
