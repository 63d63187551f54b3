import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphQLClient } from 'graphql-request';
import { describe, expect, it } from 'vitest';
import { BUILT_MAIN } from '../helpers/builtEntry.js';
import { freePorts } from '../helpers/freePorts.js';
import { waitFor } from '../helpers/waitFor.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run devnet', () => {
  it('starts N nodes in a mesh, prints their URLs, and stops them all on SIGINT', async () => {
    const base = await freePorts(3);
    const dataDir = mkdtempSync(join(tmpdir(), 'devnet-'));
    const child = spawn(
      process.execPath,
      [BUILT_MAIN, 'devnet', '--nodes', '3', '--base-port', String(base), '--difficulty', '8', '--data-dir', dataDir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor('the devnet banner', () => output.includes('devnet: 3 nodes up'), 30_000);
      const urls = [0, 1, 2].map((i) => `http://127.0.0.1:${base + i}/graphql`);
      for (const url of urls) expect(output).toContain(`GraphiQL: ${url}`);
      // One page shows the fork tree and fleet of all nodes: every node lets the others' dashboards call it.
      expect(output).toContain(
        `Dashboard: http://127.0.0.1:${base}/ (fork tree and fleet of all 3 nodes: ` +
          `http://127.0.0.1:${base}/?nodes=127.0.0.1:${base + 1},127.0.0.1:${base + 2})`,
      );
      const preflight = await fetch(urls[2]!, {
        method: 'OPTIONS',
        headers: {
          origin: `http://127.0.0.1:${base}`,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(`http://127.0.0.1:${base}`);
      for (const url of urls) {
        await waitFor(`a full mesh at ${url}`, async () => {
          const { peers } = await new GraphQLClient(url).request<{ peers: Array<{ status: string }> }>(
            '{ peers { status } }',
          );
          return peers.length === 2 && peers.every((peer) => peer.status === 'REACHABLE');
        });
      }
      expect(output).toMatch(new RegExp(`\\[${base + 1}\\] .*node\\.started`));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('devnet: SIGINT, stopping 3 nodes');
      expect(output.match(/node\.stopped/g)).toHaveLength(3);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
