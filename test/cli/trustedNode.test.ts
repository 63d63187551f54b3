import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { runCli } from './cliTestKit.js';

/**
 * node-cli against nodes started with `--trusted-documents`: the commands send the typed client's documents, which
 * are in the node's manifests, so each works as against any node (the flag changes nothing for them).
 */

const FLAGS = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0', '--trusted-documents'];

let ours: NodeProcess;
let theirs: NodeProcess;
let dir: string;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([startNodeProcess(FLAGS), startNodeProcess(FLAGS)]);
  dir = mkdtempSync(join(tmpdir(), 'node-cli-trusted-'));
}, 30_000);

afterAll(async () => {
  await Promise.all([ours?.stop(), theirs?.stop()]);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--node', ours.url]);

describe('node-cli against a node with trusted documents only', () => {
  it('the node says so when it starts', () => {
    expect(ours.output()).toMatch(/node\.started .* trustedDocuments=only /);
    expect(ours.output()).toContain(`GraphiQL: ${ours.url} (off: trusted documents only)`);
  });

  it('chain, mine and mine --json', async () => {
    const chain = await cli('chain');
    expect(chain.code, chain.stderr).toBe(0);
    expect(chain.stdout).toMatch(/^height +1\n/);
    const mined = await cli('mine');
    expect(mined.code, mined.stderr).toBe(0);
    expect(mined.stdout).toMatch(/^mined block 2 [0-9a-f]{64}/);
    const json = await cli('mine', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.json()).toMatchObject({ ok: true, block: { index: 3 } });
    expect((await cli('chain', '--json')).json()).toMatchObject({ ok: true, height: 3 });
  });

  it('send --from-node, wallet new, send signed with the wallet, wallet balance', async () => {
    const walletFile = join(dir, 'wallet.json');
    const created = await runCli(['wallet', 'new', '--wallet', walletFile, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const address: string = created.json().address;
    const funded = await cli('send', address, '2', '--from-node', '--json');
    expect(funded.code, funded.stderr).toBe(0);
    expect(funded.json()).toMatchObject({ ok: true });
    expect((await cli('mine')).code).toBe(0);
    const other = (await runCli(['wallet', 'new', '--wallet', join(dir, 'other.json'), '--json'])).json().address;
    const signed = await cli('send', other, '1', '--wallet', walletFile, '--json');
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.json()).toMatchObject({ ok: true });
    const balance = await cli('wallet', 'balance', '--wallet', walletFile, '--json');
    expect(balance.code, balance.stderr).toBe(0);
    expect(balance.json()).toMatchObject({ ok: true, balance: 2, pendingBalance: 1 });
  });

  it('peers add (the other trusted-only node answers the peer protocol), resolve, peers list and remove', async () => {
    const added = await cli('peers', 'add', theirs.url, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(added.json().added).toEqual([expect.objectContaining({ url: theirs.url, status: 'REACHABLE' })]);
    const resolved = await runCli(['resolve', '--node', theirs.url, '--json']);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.json()).toMatchObject({ ok: true, replaced: true });
    const listed = await cli('peers', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(theirs.url);
    const removed = await cli('peers', 'remove', theirs.url);
    expect(removed.code, removed.stderr).toBe(0);
  });
});
