import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DashboardBundle } from '../../src/dashboard/bundleDashboard.js';
import { createDashboardRoute, RETRY_FAILED_BUILD_MS } from '../../src/dashboard/route.js';
import { staticAsset } from '../../src/dashboard/staticAsset.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Serves the dashboard route alone on 127.0.0.1 (404 for anything it does not take). */
async function serve(route: ReturnType<typeof createDashboardRoute>): Promise<string> {
  const server = createServer((req, res) => {
    if (!route(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const fakeBundle = (): Promise<DashboardBundle> =>
  Promise.resolve({
    js: staticAsset(Buffer.from('console.log("dashboard");'.repeat(50)), 'text/javascript; charset=utf-8'),
    css: staticAsset(Buffer.from('body { color: white }'.repeat(50)), 'text/css; charset=utf-8'),
    buildMs: 1,
  });

describe('dashboard route', () => {
  it('gives the gzipped and the plain script different ETags, and honours weak and listed If-None-Match', async () => {
    const origin = await serve(createDashboardRoute({ build: fakeBundle }));
    const plain = await fetch(`${origin}/dashboard.js`, { headers: { 'accept-encoding': 'identity' } });
    const gzipped = await fetch(`${origin}/dashboard.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    const [plainTag, gzipTag] = [plain.headers.get('etag')!, gzipped.headers.get('etag')!];
    expect(plainTag).not.toBe(gzipTag);
    const revalidate = (encoding: string, ifNoneMatch: string) =>
      fetch(`${origin}/dashboard.js`, { headers: { 'accept-encoding': encoding, 'if-none-match': ifNoneMatch } }).then(
        (r) => r.status,
      );
    expect(await revalidate('identity', plainTag)).toBe(304);
    expect(await revalidate('gzip', gzipTag)).toBe(304);
    expect(await revalidate('identity', gzipTag)).toBe(200); // the gzipped tag does not validate plain bytes
    expect(await revalidate('identity', `"other", W/${plainTag}`)).toBe(304);
    expect(await revalidate('identity', '*')).toBe(304);
  });

  it('retries a failed build at most every 30 s and never shows the build error to the client', async () => {
    let clock = 1_000_000;
    let builds = 0;
    let fail = true;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const origin = await serve(
        createDashboardRoute({
          now: () => clock,
          build: () => {
            builds += 1;
            return fail ? Promise.reject(new Error('Could not resolve /secret/path/app.ts')) : fakeBundle();
          },
        }),
      );
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${origin}/dashboard.js`);
        expect(response.status).toBe(500);
        expect(await response.text()).not.toContain('/secret/path');
      }
      expect(builds).toBe(1);
      expect(stderr.mock.calls.map((call) => String(call[0])).join('')).toContain('/secret/path');
      clock += RETRY_FAILED_BUILD_MS;
      fail = false;
      expect((await fetch(`${origin}/dashboard.js`)).status).toBe(200);
      expect(builds).toBe(2);
      clock += 10 * RETRY_FAILED_BUILD_MS;
      expect((await fetch(`${origin}/dashboard.css`)).status).toBe(200);
      expect(builds).toBe(2); // a good build is kept
    } finally {
      stderr.mockRestore();
    }
  });

  it('takes only GET and HEAD of its own paths', async () => {
    const origin = await serve(createDashboardRoute({ build: fakeBundle }));
    expect((await fetch(`${origin}/graphql`)).status).toBe(404);
    expect((await fetch(`${origin}/`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${origin}/?node=http://127.0.0.1:1/graphql`)).status).toBe(200);
  });
});
