import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startNodeProcess } from '../helpers/nodeProcess.js';
import { waitFor } from '../helpers/waitFor.js';
import { askNode } from './dashboardBrowser.js';

const EASY = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0'];
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function readyz(
  url: string,
): Promise<{ status: number; body: { status: string; reason?: string; height?: number } }> {
  const response = await fetch(new URL('/readyz', url));
  return { status: response.status, body: (await response.json()) as never };
}

describe('a node process starting up', () => {
  it('logs its time from process start to serving and to ready', async () => {
    const node = await startNodeProcess(EASY);
    cleanups.push(() => node.stop());
    await waitFor('node.ready in the log', () => node.output().includes('node.ready'));
    const started = Number(/node\.started .*startupMs=(\d+)/.exec(node.output())?.[1]);
    const ready = Number(/node\.ready .*startupMs=(\d+)/.exec(node.output())?.[1]);
    expect(started).toBeGreaterThan(0);
    expect(ready).toBeGreaterThanOrEqual(started);
    expect(node.output()).toMatch(/node\.ready height=1 peers=0 startupMs=\d+/);
    expect(await readyz(node.url)).toEqual({
      status: 200,
      body: { status: 'ready', height: 1, tip: expect.any(String), peers: 0 },
    });
  });

  it('starts and warms up its miner threads at start, without a mine (miner.ready in the log)', async () => {
    const node = await startNodeProcess(['--difficulty', '8', '--miner-threads', '2', '--sync-interval', '0']);
    cleanups.push(() => node.stop());
    await waitFor('miner.ready in the log', () => /miner\.ready ms=\d+/.test(node.output()), 15_000);
    expect(node.output()).not.toContain('miner.error');
    expect(await askNode<{ node: { height: number } }>(node.url, '{ node { height } }')).toEqual({
      node: { height: 1 },
    });
  }, 30_000);

  it('answers /readyz 503 while its initial sync with --peers runs (/healthz 200), then 200', async () => {
    // A peer that answers only after 1.5 s (and then not as a node would): the initial sync takes that long.
    const slowPeer: Server = createServer((req, res) => {
      req.resume();
      setTimeout(() => {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('busy\n');
      }, 1_500);
    });
    await new Promise<void>((resolve) => slowPeer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => slowPeer.close(resolve)));
    const peerUrl = `http://127.0.0.1:${(slowPeer.address() as AddressInfo).port}/graphql`;

    const node = await startNodeProcess([...EASY, '--peers', peerUrl]);
    cleanups.push(() => node.stop());
    const during = await readyz(node.url);
    expect(during).toEqual({
      status: 503,
      body: { status: 'unavailable', reason: 'the initial sync with 1 peer is running' },
    });
    expect((await fetch(new URL('/healthz', node.url))).status).toBe(200);
    // GraphQL answers meanwhile: readiness is for load balancers, the API itself is up.
    expect(await askNode<{ node: { height: number } }>(node.url, '{ node { height } }')).toEqual({
      node: { height: 1 },
    });
    await waitFor('/readyz to answer 200', async () => (await readyz(node.url)).status === 200, 15_000);
    // The log lines of a turn are written when it ends (src/cli/turnLog.ts): they may reach the pipe after the answer.
    await waitFor('the node.ready line', async () => node.output().includes('node.ready'), 5_000);
    expect(node.output()).toMatch(/peer\.status url=http:\/\/127\.0\.0\.1:\d+\/graphql status=(UNREACHABLE|REFUSED)/);
    expect(node.output().indexOf('node.ready')).toBeGreaterThan(node.output().indexOf('peer.status'));
  }, 30_000);

  it('runs, mines and serves the dashboard from dist/ with tsx and esbuild impossible to load', async () => {
    // A module hook that fails any import of tsx or esbuild: the built node needs neither (tsx is a dev tool; the
    // dashboard was bundled by the build).
    const dir = mkdtempSync(join(tmpdir(), 'no-tsx-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  if (['tsx', 'esbuild'].some((name) => specifier === name || specifier.startsWith(name + '/'))) {
    throw new Error('forbidden import: ' + specifier);
  }
  return next(specifier, context);
}
`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`,
    );
    const node = await startNodeProcess(EASY, 20_000, undefined, ['--import', register]);
    cleanups.push(() => node.stop());
    const url = node.url;
    const output = () => node.output();
    const mined = await askNode<{ mine: { __typename: string } }>(url, 'mutation { mine { __typename } }');
    expect(mined.mine.__typename, output()).toBe('MineSuccess');
    for (const name of ['dashboard.js', 'dashboard.css']) {
      const response = await fetch(new URL(`/${name}`, url), { headers: { 'accept-encoding': 'identity' } });
      expect(response.status, output()).toBe(200);
      const built = readFileSync(fileURLToPath(new URL(`../../dist/dashboard/${name}`, import.meta.url)));
      expect(Buffer.from(await response.arrayBuffer()).equals(built), name).toBe(true);
    }
    expect(await node.stop()).toBe(0);
    expect(output()).not.toContain('forbidden import');
  });
});
