import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { generateWallet } from '../../src/wallet/wallet.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { runCli } from './cliTestKit.js';

let node: NodeProcess;
let client: NodeClient;
let dir: string;
let walletFile: string;
let address: string;

beforeAll(async () => {
  node = await startNodeProcess(['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0']);
  client = createNodeClient(node.url);
  dir = mkdtempSync(join(tmpdir(), 'node-cli-wallet-'));
  walletFile = join(dir, 'wallet.json');
});

afterAll(async () => {
  await node?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI against the test node. */
const cli = (...args: string[]) => runCli([...args, '--node', node.url]);

describe('node-cli wallet', () => {
  it('wallet new writes a key file only its owner can read and prints the address', async () => {
    const run = await runCli(['wallet', 'new', '--wallet', walletFile, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = run.json();
    expect(result).toMatchObject({ ok: true, file: walletFile });
    expect(result.address).toMatch(/^[0-9a-f]{64}$/);
    address = result.address;
    expect(statSync(walletFile).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(walletFile, 'utf8'));
    expect(stored.address).toBe(address);
    expect(stored.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(run.stdout).not.toContain(stored.privateKey);
  });

  it('wallet new keeps an existing file (exit 2) unless --force', async () => {
    const before = readFileSync(walletFile, 'utf8');
    const refused = await runCli(['wallet', 'new', '--wallet', walletFile]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(walletFile, 'utf8')).toBe(before);

    const other = join(dir, 'other.json');
    await runCli(['wallet', 'new', '--wallet', other]);
    const replaced = await runCli(['wallet', 'new', '--wallet', other, '--force']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toMatch(/^created .*other\.json/);
    expect(statSync(other).mode & 0o777).toBe(0o600);
  });

  it('wallet address prints the address of the key file', async () => {
    const run = await runCli(['wallet', 'address', '--wallet', walletFile]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${address}\n`);
  });

  it('refuses a missing or corrupt key file with exit 2, naming --wallet', async () => {
    const missing = await runCli(['wallet', 'address', '--wallet', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--wallet .*nope\.json does not exist; create one with `wallet new/);
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, JSON.stringify({ address, privateKey: generateWallet().privateKey }), { mode: 0o600 });
    const mismatch = await runCli(['wallet', 'address', '--wallet', corrupt]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('address does not belong to privateKey');
  });
});

describe('node-cli mine, send and wallet balance', () => {
  it('mine mines one block and prints it (human and --json)', async () => {
    const human = await cli('mine');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^mined block 2 [0-9a-f]{64}\n/);
    expect(human.stderr).toContain('mining block 2 at difficulty 8');
    const json = await cli('mine', '--json');
    expect(json.code).toBe(0);
    const { ok, block } = json.json();
    expect(ok).toBe(true);
    expect(block.index).toBe(3);
    expect(block.transactions[0]).toMatchObject({ isReward: true, sender: '0' });
    expect(block.hash).toBe((await client.node()).tip.hash);
  });

  it('send --from-node has the node pay, and wallet balance shows the coins once mined', async () => {
    const sent = await cli('send', address, '2', '--from-node', '--json');
    expect(sent.code, sent.stderr).toBe(0);
    const result = sent.json();
    expect(result.transaction).toMatchObject({
      recipient: address,
      amount: 2,
      status: 'PENDING',
      sender: (await client.node()).address,
    });
    expect(result.expectedBlockIndex).toBe(4);
    const pending = await cli('wallet', 'balance', '--wallet', walletFile, '--json');
    expect(pending.json()).toMatchObject({ ok: true, address, balance: 0, pendingBalance: 2 });
    expect((await cli('mine')).code).toBe(0);
    const human = await cli('wallet', 'balance', '--wallet', walletFile);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^address +[0-9a-f]{64}\nbalance +2\n/);
  });

  it('send signs a transfer with the key file at the next nonce', async () => {
    const bob = generateWallet().address;
    const first = await cli('send', bob, '1', '--wallet', walletFile, '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(first.json().transaction).toMatchObject({ sender: address, recipient: bob, amount: 1, nonce: 0 });
    const second = await cli('send', bob, '1', '--wallet', walletFile);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      /^accepted [0-9a-f]{64}\n {2}1 coin from [0-9a-f]{64}\n {2}to [0-9a-f]{64} \(nonce 1\)\n/,
    );
    expect((await cli('mine')).code).toBe(0);
    const balance = await cli('wallet', 'balance', bob, '--json');
    expect(balance.json()).toMatchObject({ address: bob, balance: 2, transactionCount: 2 });
  });

  it('prints a refusal with its code and exits 1', async () => {
    const human = await cli('send', generateWallet().address, '50', '--wallet', walletFile);
    expect(human.code).toBe(1);
    expect(human.stderr).toMatch(/^refused: INSUFFICIENT_BALANCE: /);
    expect(human.stdout).toBe('');
    const json = await cli('send', generateWallet().address, '50', '--wallet', walletFile, '--json');
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE', exitCode: 1 });
  });
});
