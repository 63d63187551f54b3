import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { askNode, launchChromium, watchPageProblems } from './dashboardBrowser.js';

/**
 * Difficulty 0 (the retarget floor 0): the first blocks take a try or two, and the 2-bit steps every 10 fast blocks
 * reach 16-18 bits only by the last rounds, so the whole run stays near 30 s of wall time on a loaded two-core CI
 * machine (about 20 s here).
 */
const NODE_FLAGS = ['--difficulty', '0', '--miner-threads', '1', '--sync-interval', '0'];
/** The tree's width for this run: the rounds below pass it about four times over. */
const HEIGHTS = 10;
/** Each round both nodes mine at once (often on the same parent: a fork, sometimes a reorganization). */
const ROUNDS = 45;
/** Heap samples (after a forced garbage collection) are taken every this many rounds, after a warm-up. */
const SAMPLE_EVERY = 10;
/**
 * The SVG may hold at most this many elements: per height a handful of blocks (two miners, so rarely more than two
 * per height) at three elements each plus a link, the height labels, and three elements per fleet marker.
 */
const MAX_SVG_ELEMENTS = HEIGHTS * 3 * 4 + HEIGHTS + 3 * 3 + 10;

const MINE = 'mutation { mine { __typename } }';
const REGISTER = 'mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }';

describe('the fork tree stays bounded while two nodes mine quickly (real processes, headless Chromium)', () => {
  let a: NodeProcess;
  let b: NodeProcess;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(15_000);
    a = await startNodeProcess(NODE_FLAGS);
    b = await startNodeProcess([...NODE_FLAGS, '--cors-origin', new URL(a.url).origin]);
    await askNode(a.url, REGISTER, { urls: [b.url] });
    await askNode(b.url, REGISTER, { urls: [a.url] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(5_000);
    watchPageProblems(page, pageProblems);
    cdp = await page.context().newCDPSession(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  /** The page's JS heap in use after a full garbage collection. */
  const heapUsed = async (): Promise<number> => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const svgElements = () => page.locator('[data-testid="fork-tree"] *').count();
  const drawnIndexes = async () =>
    (await page
      .locator('[data-testid="tree-block"]')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-index'))))) as number[];

  it('keeps only the last N heights in the SVG and does not grow the heap while the tip passes N heights four times', async () => {
    const started = Date.now();
    // Port 1 answers nothing: the page lists that node as unreachable and counts it as not agreeing.
    const nodes = encodeURIComponent(`${b.url},127.0.0.1:1`);
    await page.goto(`${new URL(a.url).origin}/?heights=${HEIGHTS}&nodes=${nodes}`, { timeout: 10_000 });
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    await page
      .locator('[data-testid="fleet-item"][data-key="node http://127.0.0.1:1/graphql"][data-status="UNREACHABLE"]')
      .waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('fleet-agreement').textContent()).toMatch(/^2 of 3 nodes agree on tip /);
    const heap: number[] = [];
    const documentElements: number[] = [];
    let mostElements = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      await Promise.all([askNode(a.url, MINE), askNode(b.url, MINE)]);
      const { node } = await askNode<{ node: { height: number } }>(a.url, '{ node { height } }');
      // The page catches up with A's tip (newBlock), then the tree holds only the window below it.
      await expect
        .poll(async () => Math.max(...(await drawnIndexes())), { timeout: 10_000 })
        .toBeGreaterThanOrEqual(node.height);
      const indexes = await drawnIndexes();
      expect(Math.min(...indexes)).toBeGreaterThan(Math.max(...indexes) - HEIGHTS - Math.floor(HEIGHTS / 3));
      mostElements = Math.max(mostElements, await svgElements());
      expect(mostElements).toBeLessThanOrEqual(MAX_SVG_ELEMENTS);
      if (round >= SAMPLE_EVERY * 2 && round % SAMPLE_EVERY === 0) {
        heap.push(await heapUsed());
        documentElements.push(await page.evaluate(() => document.getElementsByTagName('*').length));
      }
    }
    const { node } = await askNode<{ node: { height: number } }>(a.url, '{ node { height } }');
    expect(node.height).toBeGreaterThan(4 * HEIGHTS);
    // Bounded, not flat: the collector keeps some garbage, the JIT adds code. Growth with the blocks seen would show as
    // a steady climb well past this over the 25 rounds between the first and the last sample.
    expect(heap.length).toBeGreaterThanOrEqual(3);
    // The whole page too: the block list keeps its last 51 rows, the mempool is empty, the peers are fixed.
    expect(documentElements.at(-1)!, `page elements ${documentElements.join(', ')}`).toBeLessThanOrEqual(
      documentElements[0]! + 40,
    );
    expect(heap.at(-1)!, `heap samples ${heap.join(', ')}`).toBeLessThan(heap[0]! * 1.25 + 512 * 1024);
    // Wall time of the run, for the CI budget (not asserted): printed with the heap samples.
    process.stdout.write(
      `fork tree long run: ${node.height} blocks in ${Math.round((Date.now() - started) / 1000)} s; ` +
        `at most ${mostElements} SVG elements; heap after GC ${heap.map((bytes) => `${(bytes / 1e6).toFixed(2)} MB`).join(', ')}\n`,
    );
  }, 120_000);

  it('ran without uncaught errors in the page', () => {
    expect(pageProblems).toEqual([]);
  });
});
