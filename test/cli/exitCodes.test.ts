import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort } from '../api/apiTestKit.js';
import { SlowMiner, startTestServer, type TestServer } from '../client/clientTestKit.js';
import { runCli } from './cliTestKit.js';

const TOKEN = 'cli-test-admin-token-0123456789';
const ADDRESS = 'ab'.repeat(32);

let guarded: TestServer;
let slow: TestServer;
let strict: TestServer;

beforeAll(async () => {
  // Real servers on 127.0.0.1 in this process: one that needs an admin token, one whose blocks take 1.5 s to mine,
  // and one that allows only shallow queries.
  [guarded, slow, strict] = await Promise.all([
    startTestServer({ adminToken: TOKEN }),
    startTestServer({ miner: new SlowMiner(1_500) }),
    startTestServer({ limits: { maxDepth: 4 } }),
  ]);
});

afterAll(async () => {
  await Promise.all([guarded?.close(), slow?.close(), strict?.close()]);
});

describe('node-cli exit codes', () => {
  it('exits 3 when what answers at --node is not a node (a web page)', async () => {
    const { createServer } = await import('node:http');
    const page = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>not a node</body></html>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = page.address() as import('node:net').AddressInfo;
      const run = await runCli(['chain', '--node', `http://127.0.0.1:${port}/graphql`, '--json']);
      expect(run.code).toBe(3);
      expect(run.json()).toMatchObject({ ok: false, code: 'NOT_A_NODE', exitCode: 3 });
    } finally {
      await new Promise<void>((resolve) => page.close(() => resolve()));
    }
  });

  it('exits 2 for an unknown command and names it', async () => {
    const run = await runCli(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "frobnicate"');
    expect(run.stdout).toBe('');
    const json = await runCli(['frobnicate', '--json']);
    expect(json.code).toBe(2);
    expect(json.json()).toMatchObject({ ok: false, code: 'USAGE', exitCode: 2 });
  });

  it('exits 2 for an unknown flag or action', async () => {
    const flag = await runCli(['chain', '--colour']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
    expect(flag.stderr).toContain('node-cli chain --help');
    const action = await runCli(['wallet', 'burn']);
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('unknown wallet action "burn"');
    const none = await runCli(['peers']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('peers needs an action: list, add or remove');
  });

  it('exits 2 for a bad argument, naming the argument and its rule, before contacting any node', async () => {
    const cases: Array<[string[], string]> = [
      [['send', 'bob', '1'], '<recipient> must be an address: 64 hex characters, got "bob"'],
      [['send', ADDRESS, '1.5'], '<amount> must be an integer from 1 to'],
      [['send', ADDRESS, '0'], '<amount> must be an integer from 1 to'],
      [['send', ADDRESS], 'send needs <recipient> <amount>, got 1 arguments'],
      [['send', ADDRESS, '1', '--from-node', '--wallet', 'w.json'], '--from-node and --wallet exclude each other'],
      [['chain', '--last', '0'], '--last must be an integer from 1 to 100, got "0"'],
      [['chain', '--timeout', 'soon'], '--timeout must be an integer from 1 to 3600000, got "soon"'],
      [['chain', '--node', 'ftp://127.0.0.1:4000'], '--node must be an http(s) URL or host:port'],
      [['wallet', 'balance', 'nobody'], 'address must be an address: 64 hex characters'],
    ];
    // --node points at a closed port: a command that contacted the node would exit 3, not 2.
    const dead = `http://127.0.0.1:${await deadPort()}/graphql`;
    const results = await Promise.all(cases.map(([args]) => runCli([args[0]!, '--node', dead, ...args.slice(1)])));
    results.forEach((run, i) => {
      expect(run.code, cases[i]![0].join(' ')).toBe(2);
      expect(run.stderr, cases[i]![0].join(' ')).toContain(cases[i]![1]);
    });
  });

  it('exits 3 when the node is unreachable (a closed port on 127.0.0.1)', async () => {
    const url = `http://127.0.0.1:${await deadPort()}/graphql`;
    const human = await runCli(['chain', '--node', url]);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain(`node ${url} is unreachable: ECONNREFUSED`);
    const json = await runCli(['mine', '--node', url, '--json']);
    expect(json.code).toBe(3);
    expect(json.json()).toMatchObject({ ok: false, code: 'UNREACHABLE', exitCode: 3 });
  });

  it('exits 1 with UNAUTHORIZED for an admin command without the token, and 0 with --token or NODE_ADMIN_TOKEN', async () => {
    const refused = await runCli(['mine', '--node', guarded.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused: UNAUTHORIZED: .*pass --token <admin token> or set NODE_ADMIN_TOKEN/);
    expect(guarded.node.chain.height).toBe(1);
    const json = await runCli(['send', ADDRESS, '1', '--from-node', '--node', guarded.url, '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });

    const withFlag = await runCli(['mine', '--node', guarded.url, '--token', TOKEN]);
    expect(withFlag.code, withFlag.stderr).toBe(0);
    const withEnv = await runCli(['mine', '--node', guarded.url], { env: { NODE_ADMIN_TOKEN: TOKEN } });
    expect(withEnv.code, withEnv.stderr).toBe(0);
    expect(guarded.node.chain.height).toBe(3);
    // Reading needs no token.
    expect((await runCli(['chain', '--node', guarded.url])).code).toBe(0);
  });

  it('exits 1 with the error code when the node refuses the request itself (too deep for its --max-depth)', async () => {
    const run = await runCli(['chain', '--node', strict.url, '--json']);
    expect(run.code).toBe(1);
    // The node codes graphql-armor's depth rejection MAX_DEPTH_EXCEEDED.
    expect(run.json()).toMatchObject({ ok: false, code: 'MAX_DEPTH_EXCEEDED', exitCode: 1 });
    expect(run.stderr).toMatch(/^refused: MAX_DEPTH_EXCEEDED: .*depth limit of 4 exceeded/);
  });
});

describe('node-cli mine progress', () => {
  it('prints progress on stderr about once a second while the node mines', async () => {
    const run = await runCli(['mine', '--node', slow.url]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^mining block 2 at difficulty 8 \(about 256 tries\)…\n/);
    expect(run.stderr).toMatch(/\n {2}block 2: 1\.\d s, [\d.]+ [kM] tries, 1\.0 MH\/s\n/);
    expect(run.stdout).toMatch(/^mined block 2 [0-9a-f]{64}\n/);
  });

  it('keeps --json output parseable while progress goes to stderr', async () => {
    const run = await runCli(['mine', '--node', slow.url, '--json']);
    expect(run.code).toBe(0);
    expect(run.json().block.index).toBe(3);
    expect(run.stderr).toContain('block 3: ');
  });
});
