import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/client/createNodeClient.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'example-admin-token-0123456789';

let node: NodeProcess;

beforeAll(async () => {
  // Difficulty 8: about 256 tries a block, so the example's four blocks take milliseconds.
  node = await startNodeProcess([
    '--difficulty',
    '8',
    '--miner-threads',
    '1',
    '--sync-interval',
    '0',
    '--admin-token',
    TOKEN,
  ]);
});

afterAll(async () => {
  await node?.stop();
});

/** Runs examples/sendCoins.ts as a real process against the node; at most 30 s. */
function runExample(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'examples/sendCoins.ts', node.url],
      { cwd: ROOT, timeout: 30_000, env: { ...process.env, NODE_NO_WARNINGS: '1', ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('examples/sendCoins.ts', () => {
  it('gets coins from the node into a new wallet and sends 2 of them on, printing the balances', async () => {
    const { code, stdout, stderr } = await runExample({ NODE_ADMIN_TOKEN: TOKEN });
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const [gift, aliceBalance, transfer, balances] = lines as [string, string, string, string];
    const sent = /^node ([0-9a-f]{64}) sent 3 coins to Alice ([0-9a-f]{64}) in block (\d+)$/.exec(gift);
    expect(sent, gift).not.toBeNull();
    expect(aliceBalance).toBe('Alice has 3');
    const moved = /^Alice sent 2 coins to Bob ([0-9a-f]{64}) \(transaction ([0-9a-f]{64})\) in block (\d+)$/.exec(
      transfer,
    );
    expect(moved, transfer).not.toBeNull();
    expect(balances).toBe('balances: Alice 1, Bob 2');

    // The node agrees: both transfers are confirmed where the example said.
    const client = createNodeClient(node.url);
    expect((await client.account(sent![2]!)).balance).toBe(1);
    expect((await client.account(moved![1]!)).balance).toBe(2);
    expect(await client.transaction(moved![2]!)).toMatchObject({
      status: 'CONFIRMED',
      blockIndex: Number(moved![3]),
      amount: 2,
    });
    expect(sent![1]).toBe((await client.node()).address);
  });

  it('stops with the UNAUTHORIZED error when the node has an admin token and NODE_ADMIN_TOKEN is not set', async () => {
    const { code, stderr } = await runExample({ NODE_ADMIN_TOKEN: '' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('NodeUnauthorizedError');
  });
});
