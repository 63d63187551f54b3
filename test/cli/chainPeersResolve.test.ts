import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { assertOk } from '../../src/client/result.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { runCli } from './cliTestKit.js';

const FLAGS = ['--difficulty', '8', '--miner-threads', '1', '--sync-interval', '0'];

let ours: NodeProcess;
let theirs: NodeProcess;
let client: NodeClient;
let theirClient: NodeClient;

beforeAll(async () => {
  [ours, theirs] = await Promise.all([startNodeProcess(FLAGS), startNodeProcess(FLAGS)]);
  client = createNodeClient(ours.url);
  theirClient = createNodeClient(theirs.url);
  // Ours: genesis + 2 blocks. Theirs: genesis + 6 blocks of its own (more work), mined before anyone registers.
  for (let i = 0; i < 2; i++) assertOk(await client.mine());
  for (let i = 0; i < 6; i++) assertOk(await theirClient.mine());
});

afterAll(async () => {
  await Promise.all([ours?.stop(), theirs?.stop()]);
});

const cli = (...args: string[]) => runCli([...args, '--node', ours.url]);

describe('node-cli chain', () => {
  it('prints height, tip and the last blocks', async () => {
    const run = await cli('chain');
    expect(run.code, run.stderr).toBe(0);
    const tip = (await client.node()).tip.hash;
    expect(run.stdout).toContain(`height      3\ntip         ${tip}\n`);
    expect(run.stdout).toMatch(
      /\nindex +hash +mined at +txs +difficulty\n1 +[0-9a-f]{16}… +2017-11-01T00:00:00\.000Z +0 +8\n2 +/,
    );
  });

  it('--json lists the last --last blocks, oldest first', async () => {
    const run = await cli('chain', '--last', '2', '--json');
    expect(run.code).toBe(0);
    const chain = run.json();
    expect(chain).toMatchObject({ ok: true, height: 3, genesisHash: (await client.node()).genesisHash });
    expect(chain.blocks.map((block: { index: number }) => block.index)).toEqual([2, 3]);
    expect(chain.tip.hash).toBe(chain.blocks[1].hash);
  });
});

describe('node-cli peers', () => {
  it('lists no peers, adds one (contacted at once), lists it, and removes it', async () => {
    const empty = await cli('peers', 'list');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('no peers\n');

    const hostPort = new URL(theirs.url).host;
    const added = await cli('peers', 'add', hostPort, '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(added.json().added).toEqual([expect.objectContaining({ url: theirs.url, status: 'REACHABLE', height: 7 })]);

    const listed = await cli('peers', 'list');
    expect(listed.stdout).toMatch(new RegExp(`\\n${theirs.url.replace(/[.]/g, '\\.')} +REACHABLE +7 +\\d{4}-`));
    const json = (await cli('peers', 'list', '--json')).json();
    expect(json.peers.map((peer: { url: string }) => peer.url)).toEqual([theirs.url]);

    const removed = await cli('peers', 'remove', theirs.url);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed ${theirs.url}`);
    expect(await client.peers()).toEqual([]);
  });

  it('names the malformed URL of a refused registration and exits 1', async () => {
    const run = await cli('peers', 'add', theirs.url, 'ftp://nowhere:1', '--json');
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'urls[1]' });
    expect(run.stderr).toMatch(/^refused: INVALID_INPUT: urls\[1\] .*\(field urls\[1\]\)/);
    expect(await client.peers()).toEqual([]);
  });
});

describe('node-cli resolve', () => {
  it('adopts the peer chain with more work, with progress on stderr while it syncs', async () => {
    expect((await cli('peers', 'add', theirs.url)).code).toBe(0);
    const run = await cli('resolve');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('resolving from height 3 with 1 peer…');
    expect(run.stderr).toMatch(/synced to block 7 \(\d+ blocks joined\)/);
    expect(run.stdout).toMatch(
      /^replaced: our chain was replaced by a peer's with more work\nheight 7, tip [0-9a-f]{64}/,
    );
    expect(run.stdout).toContain(`${theirs.url}  ADOPTED  6 blocks fetched, peer height 7`);
    expect((await client.node()).tip.hash).toBe((await theirClient.node()).tip.hash);
  });

  it('--json reports not replaced once in sync', async () => {
    const run = await cli('resolve', '--json');
    expect(run.code).toBe(0);
    const resolution = run.json();
    expect(resolution).toMatchObject({ ok: true, replaced: false, chain: { length: 7 } });
    expect(resolution.peers).toEqual([expect.objectContaining({ url: theirs.url, outcome: 'IN_SYNC' })]);
  });
});
