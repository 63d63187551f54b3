import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { askNode, launchChromium, watchPageProblems } from './dashboardBrowser.js';

/** Easy blocks (8 bits) mined by one thread: `mine` answers in milliseconds. */
const NODE_FLAGS = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0'];
const MINE = 'mutation { mine { __typename ... on MineSuccess { block { index hash } } } }';

/** The text of GraphiQL's result pane without whitespace (the pane wraps long lines, such as hashes, anywhere). */
async function resultText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text
  return (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, '');
}

/**
 * Replaces the operation in GraphiQL's editor (typed as one insertion, so the editor's auto-closing adds nothing) and
 * waits until GraphiQL has parsed it: the tab takes the operation's name.
 */
async function typeOperation(page: Page, name: string, operation: string): Promise<void> {
  await page.locator('.graphiql-query-editor .monaco-editor .view-lines').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(operation);
  await page.getByRole('button', { name, exact: true }).waitFor();
}

describe('GraphiQL at /graphql, served by the node with every other host blocked (real node process, headless Chromium)', () => {
  let node: NodeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  /** Requests the page tried to send anywhere but the node (all blocked): there must be none. */
  const offHost: string[] = [];
  /** Uncaught page errors and Content-Security-Policy violations: there must be none. */
  const problems: string[] = [];
  const webSockets: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(15_000);
    node = await startNodeProcess(NODE_FLAGS);
    origin = new URL(node.url).origin;
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Only the node may be reached: as on a host without internet. data: and blob: are not requests to a host.
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      offHost.push(url.href);
      return route.abort('blockedbyclient');
    });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    watchPageProblems(page, problems);
    page.on('websocket', (socket) => webSockets.push(socket.url()));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`Content-Security-Policy violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
  });

  it('serves the page with a strict Content-Security-Policy, frame-ancestors none and nosniff', async () => {
    const response = await fetch(node.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const policy = Object.fromEntries(
      response.headers
        .get('content-security-policy')!
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources]),
    );
    expect(policy['default-src']).toEqual(["'none'"]);
    // No inline script, no eval, nothing from another host.
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['worker-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['base-uri']).toEqual(["'none'"]);
    const html = await response.text();
    expect(html).not.toMatch(/https?:\/\//);
    // Every script is a file of the node; the options are a JSON data block, which is not script.
    expect([...html.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!.trim())).toEqual([
      'type="application/json" id="graphiql-options"',
      'src="/graphiql/setup.js"',
      'src="/graphiql/graphiql.js"',
      'src="/graphiql/start.js"',
    ]);
  });

  it("serves the editor's files from /graphiql/ with their types, gzip and ETags", async () => {
    const files: [string, string][] = [
      ['graphiql.js', 'text/javascript; charset=utf-8'],
      ['graphiql.css', 'text/css; charset=utf-8'],
      ['editor.worker.js', 'text/javascript; charset=utf-8'],
      ['json.worker.js', 'text/javascript; charset=utf-8'],
      ['graphql.worker.js', 'text/javascript; charset=utf-8'],
      ['favicon.ico', 'image/x-icon'],
      ['setup.js', 'text/javascript; charset=utf-8'],
      ['start.js', 'text/javascript; charset=utf-8'],
    ];
    for (const [name, type] of files) {
      const response = await fetch(`${origin}/graphiql/${name}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe(type);
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('content-encoding'), name).toBe('gzip');
      const etag = response.headers.get('etag')!;
      expect((await response.arrayBuffer()).byteLength, name).toBeGreaterThan(0);
      const again = await fetch(`${origin}/graphiql/${name}`, {
        headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
      });
      expect(again.status, name).toBe(304);
    }
    expect((await fetch(`${origin}/graphiql/nothing.js`)).status).toBe(404);
  });

  it('opens without any request to another host, with the title and the tutorial operations in the editor', async () => {
    await page.goto(node.url);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    expect(await page.title()).toBe('GraphQL blockchain node');
    await expect
      // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text
      .poll(async () => (await page.locator('.graphiql-query-editor').innerText()).replace(/\u00a0/g, ' '))
      .toContain('mutation Mine');
    expect(offHost).toEqual([]);
  });

  it('runs a query typed in the editor and shows its result', async () => {
    const { chain } = await askNode<{ chain: { tip: { hash: string } } }>(node.url, '{ chain { tip { hash } } }');
    await typeOperation(page, 'Tip', 'query Tip { chain { length tip { hash } } }');
    await page.getByRole('button', { name: /^Execute query/ }).click();
    await expect.poll(() => resultText(page)).toContain(`"hash":"${chain.tip.hash}"`);
    expect(await resultText(page)).toContain('{"data":{"chain":{"length":1,');
  });

  it('runs a subscription over graphql-ws and shows a block mined through the API', async () => {
    await typeOperation(page, 'Blocks', 'subscription Blocks { newBlock { index hash } }');
    await page.getByRole('button', { name: /^Execute query/ }).click();
    // The subscription starts asynchronously; mine until one of our blocks shows up (the first almost always does).
    let shown: string | undefined;
    for (let attempt = 0; attempt < 5 && shown === undefined; attempt++) {
      const { mine } = await askNode<{ mine: { block: { index: number; hash: string } } }>(node.url, MINE);
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline && shown === undefined) {
        const text = await resultText(page);
        if (text.includes(`"hash":"${mine.block.hash}"`)) shown = text;
        else await page.waitForTimeout(50);
      }
    }
    // The payload carries the state it was sent from (extensions.chain) and its cost, as every answer does.
    expect(shown).toMatch(
      /^\{"data":\{"newBlock":\{"index":\d+,"hash":"[0-9a-f]{64}"\}\},"extensions":\{"chain":\{"height":\d+,"tipHash":"[0-9a-f]{64}"\},"cost":\{"estimated":\d+,"limit":50000\}\}\}$/,
    );
    expect(webSockets).toContain(`${origin.replace('http', 'ws')}/graphql`);
  });

  it('opens at /graphql/ too (the files are linked by absolute path)', async () => {
    await page.goto(`${node.url}/`);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    await typeOperation(page, 'Height', 'query Height { node { height } }');
    await page.getByRole('button', { name: /^Execute query/ }).click();
    await expect
      .poll(() => resultText(page))
      .toMatch(
        /^\{"data":\{"node":\{"height":(\d+)\}\},"extensions":\{"chain":\{"height":\1,"tipHash":"[0-9a-f]{64}"\},"cost":\{"estimated":2,"limit":50000\}\}\}$/,
      );
  });

  it('had no page error, no Content-Security-Policy violation and no request to another host', () => {
    expect(problems).toEqual([]);
    expect(offHost).toEqual([]);
  });
});
