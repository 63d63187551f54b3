import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { askNode, launchChromium, watchPageProblems } from './dashboardBrowser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots go to the system's temporary folder; `UPDATE_SCREENSHOT=1` writes the README's docs/fork-tree.png. */
const UPDATE = process.env.UPDATE_SCREENSHOT === '1';
const SCREENSHOT_DIR = join(tmpdir(), 'graphql-node-fork-tree');
/** Easy blocks (8 bits) mined by one thread; no periodic resync, so the partition holds until the test ends it. */
const NODE_FLAGS = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0'];

const MINE = 'mutation { mine { __typename ... on MineSuccess { block { index hash } } } }';
const REGISTER = 'mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }';
const REMOVE = 'mutation($urls: [String!]!) { removeNodes(urls: $urls) { __typename } }';
const SEND = `mutation($to: String!) {
  send(recipient: $to, amount: 1) { __typename ... on TransactionAccepted { transaction { id } } }
}`;
const NODE = '{ node { address height tip { hash } } }';

interface NodeInfo {
  node: { address: string; height: number; tip: { hash: string } };
}

describe('the fork tree and the fleet view (two node processes, a partition, headless Chromium)', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let browser: Browser;
  let page: Page;
  const pageProblems: string[] = [];

  const mine = async (node: NodeProcess): Promise<{ index: number; hash: string }> => {
    const { mine: result } = await askNode<{ mine: { __typename: string; block: { index: number; hash: string } } }>(
      node.url,
      MINE,
    );
    expect(result.__typename).toBe('MineSuccess');
    return result.block;
  };
  const info = async (node: NodeProcess) => (await askNode<NodeInfo>(node.url, NODE)).node;
  const block = (hash: string) => page.locator(`[data-testid="tree-block"][data-hash="${hash}"]`);
  const agreement = () => page.getByTestId('fleet-agreement').textContent();

  beforeAll(async () => {
    browser = await launchChromium(15_000);
    a = await startNodeProcess(NODE_FLAGS);
    // The page is served by A and reads B directly (?nodes=): B allows A's origin.
    b = await startNodeProcess([...NODE_FLAGS, '--cors-origin', new URL(a.url).origin]);
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    page.setDefaultTimeout(5_000);
    watchPageProblems(page, pageProblems);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('shows both branches of a partition, then the reorganization, and the fleet converging on one tip', async () => {
    await askNode(a.url, REGISTER, { urls: [b.url] });
    await askNode(b.url, REGISTER, { urls: [a.url] });
    for (let i = 0; i < 8; i++) await mine(a);
    await expect.poll(async () => (await info(b)).height, { timeout: 10_000 }).toBe(9);

    await page.goto(`${new URL(a.url).origin}/?heights=20&nodes=${encodeURIComponent(`${b.url},ftp://127.0.0.1:1`)}`, {
      timeout: 10_000,
    });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    await expect
      .poll(agreement, { timeout: 10_000 })
      .toBe(`2 of 2 nodes agree on tip ${(await info(a)).tip.hash.slice(0, 8)}…`);
    // The bad entry is listed with its reason, not fatal.
    expect(await page.locator('[data-testid="fleet-item"][data-status="BAD_URL"]').textContent()).toContain(
      'must be an http(s) URL',
    );

    // Partition: each forgets the other, then each mines its own branch (B's is longer: it will win).
    await askNode(a.url, REMOVE, { urls: [b.url] });
    await askNode(b.url, REMOVE, { urls: [a.url] });
    const { node: other } = await askNode<NodeInfo>(b.url, NODE);
    const sent = await askNode<{ send: { __typename: string; transaction: { id: string } } }>(a.url, SEND, {
      to: other.address,
    });
    expect(sent.send.__typename).toBe('TransactionAccepted');
    const branchA = [await mine(a), await mine(a)];
    const branchB: { index: number; hash: string }[] = [];
    for (let i = 0; i < 4; i++) branchB.push(await mine(b));

    // A's branch is the best line; B's, read from B by the page, is drawn off it (dashed), with B's marker on its tip.
    for (const mined of branchA)
      await expect.poll(() => block(mined.hash).getAttribute('data-best'), { timeout: 10_000 }).toBe('true');
    for (const mined of branchB) {
      await expect.poll(() => block(mined.hash).getAttribute('data-seen-on'), { timeout: 10_000 }).toBe(b.url);
      expect(Number(await block(mined.hash).getAttribute('data-row'))).toBeGreaterThan(0);
    }
    expect(await block(branchA[0]!.hash).getAttribute('data-row')).toBe('0');
    await expect
      .poll(agreement, { timeout: 10_000 })
      .toBe(`1 of 2 nodes agrees on tip ${branchA[1]!.hash.slice(0, 8)}…`);
    const markerB = page.locator(`[data-testid="fleet-marker"][data-key="node ${b.url}"]`);
    expect(await markerB.getAttribute('data-exact')).toBe('true');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.getByTestId('fork-tree-panel').screenshot({ path: join(SCREENSHOT_DIR, 'fork-tree-partitioned.png') });

    // Hovering a block shows its hash and miner; clicking it opens the block.
    await block(branchA[1]!.hash).hover();
    await expect
      .poll(() => page.getByTestId('tree-card-hash').textContent(), { timeout: 5_000 })
      .toBe(branchA[1]!.hash);
    await expect
      .poll(() => page.getByTestId('tree-card-miner').textContent(), { timeout: 5_000 })
      .toMatch(/^miner [0-9a-f]{10}…/);
    await block(branchA[1]!.hash).click();
    await page.locator('[data-testid="search-result"][data-kind="block"]').waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('result-hash').textContent()).toBe(branchA[1]!.hash);
    await page.getByTestId('search-result').locator('button.close').click();

    // Reconnect: A syncs B's longer branch and reorganizes. The best line moves to B's blocks (now stored by A), A's
    // blocks stay as a side branch marked as disconnected, and the transaction they held goes back to the mempool.
    await askNode(a.url, REGISTER, { urls: [b.url] });
    await askNode(b.url, REGISTER, { urls: [a.url] });
    await askNode(a.url, 'mutation { resolve { replaced } }');
    await page.getByTestId('tree-reorganization').waitFor({ timeout: 10_000 });
    for (const mined of branchB) {
      await expect.poll(() => block(mined.hash).getAttribute('data-best'), { timeout: 10_000 }).toBe('true');
      await expect.poll(() => block(mined.hash).getAttribute('data-seen-on'), { timeout: 10_000 }).toBe('');
      expect(await block(mined.hash).getAttribute('data-row')).toBe('0');
    }
    for (const mined of branchA) {
      expect(Number(await block(mined.hash).getAttribute('data-row'))).toBeGreaterThan(0);
      expect(await block(mined.hash).getAttribute('class')).toContain('disconnected');
    }
    expect(await page.getByTestId('tree-reorganization').getAttribute('data-depth')).toBe('2');
    await expect
      .poll(() => page.getByTestId('returned-transaction').first().textContent(), { timeout: 5_000 })
      .toBe(`${sent.send.transaction.id.slice(0, 6)}…${sent.send.transaction.id.slice(-4)}`);
    await page.locator('[data-testid="mempool-list"] tr[data-returned="true"]').waitFor({ timeout: 5_000 });
    await expect
      .poll(agreement, { timeout: 10_000 })
      .toBe(`2 of 2 nodes agree on tip ${branchB.at(-1)!.hash.slice(0, 8)}…`);
    expect(await markerB.getAttribute('data-exact')).toBe('true');

    await page.waitForTimeout(800); // the blocks finish sliding to their new rows
    await page
      .getByTestId('fork-tree-panel')
      .screenshot({ path: join(SCREENSHOT_DIR, 'fork-tree-reorganized.png'), timeout: 10_000 });
    const shot = UPDATE ? join(ROOT, 'docs', 'fork-tree.png') : join(SCREENSHOT_DIR, 'fork-tree.png');
    await page.getByTestId('fork-tree-panel').screenshot({ path: shot, timeout: 10_000 });
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  }, 120_000);

  it('ran without uncaught errors or Content-Security-Policy violations in the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
