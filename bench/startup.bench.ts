/**
 * `npm run bench:startup`: how long a user waits. Prints two tables; ratios are against a baseline measured in the same
 * run, and runs of the rows are interleaved so that noise spreads over all of them.
 *  1. Start to first answered query: from spawning the command until `{ node { height } }` is answered over HTTP,
 *     on a fresh data directory. Baseline: a bare node:http server (a dozen lines) started the same way (`npm start`
 *     in a throwaway package). Goal for `npm start`: at most 600 ms.
 *  2. One CLI query (`node-cli chain`) against a running node, from spawn to exit. Baseline: a bare script that sends
 *     one query with node:http. Goal: at most 300 ms.
 * The tsx rows run the TypeScript source as every start did before the build step. Rows for Node 24 appear when
 * its binary is found (NODE24_BIN, or the copy `npm test` installs under node_modules/.cache/node24).
 * Environment: BENCH_RUNS (5 per row; the median is reported).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, printTable } from './table.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const NODE24 = process.env.NODE24_BIN ?? join(ROOT, 'node_modules/.cache/node24/node_modules/node/bin/node');
const hasNode24 = existsSync(NODE24);
const QUERY = '{"query":"{ node { height } }"}';

/** POSTs `{ node { height } }` with node:http (the bench process's own fetch warm-up would blur the first figure). */
function postQuery(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body}`)),
      );
    });
    req.on('error', reject);
    req.end(QUERY);
  });
}

/** A throwaway package whose `npm start` runs a bare node:http server that prints its URL as the node does. */
function bareServerPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bare-'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'bare', private: true, type: 'module', scripts: { start: 'node server.js' } }),
  );
  writeFileSync(
    join(dir, 'server.js'),
    `import { createServer } from 'node:http';
const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1] ?? 0);
const server = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"data":{"node":{"height":1}}}'); }); });
server.listen(port, '127.0.0.1', () => process.stdout.write('GraphiQL: http://127.0.0.1:' + server.address().port + '/graphql\\n'));
process.on('SIGTERM', () => process.exit(0));
`,
  );
  return dir;
}

/** Stops a spawned command and everything it started (npm does not always pass SIGTERM on to its script). */
async function stopGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

/** Milliseconds from spawning `command args` (in `cwd`) until the node it starts answers a query. */
async function timeToFirstAnswer(command: string, args: readonly string[], cwd: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const started = performance.now();
  const child = spawn(command, [...args, '--port', '0', '--data-dir', dataDir], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GraphiQL: (http:\/\/\S+)/.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`exited with ${code} before starting:\n${output}`)));
    });
    const answer = await postQuery(url);
    const elapsed = performance.now() - started;
    if (!answer.includes('"height"')) throw new Error(`unexpected answer: ${answer}`);
    return elapsed;
  } finally {
    await stopGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Milliseconds from spawning a command until it exits (it must exit 0). */
async function timeToExit(command: string, args: readonly string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const elapsed = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`);
  return elapsed;
}

interface Row {
  readonly name: string;
  readonly goalMs?: number;
  readonly run: () => Promise<number>;
}

/** Runs every row RUNS times, interleaved, and prints median/min/max with the ratio to the first row. */
async function measure(title: string, rows: readonly Row[]): Promise<void> {
  const samples = rows.map(() => [] as number[]);
  for (const row of rows) await row.run(); // one unmeasured run each: disk caches, compile caches
  for (let run = 0; run < RUNS; run++) {
    for (const [i, row] of rows.entries()) samples[i]!.push(await row.run());
  }
  const medians = samples.map((values) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
  );
  printTable(
    title,
    ['', 'median ms', 'min', 'max', '× baseline', 'goal'],
    rows.map((row, i) => {
      const sorted = [...samples[i]!].sort((a, b) => a - b);
      const goal = row.goalMs === undefined ? '' : `≤ ${row.goalMs} ms ${medians[i]! <= row.goalMs ? 'met' : 'MISSED'}`;
      return [
        row.name,
        Math.round(medians[i]!),
        Math.round(sorted[0]!),
        Math.round(sorted.at(-1)!),
        medians[i]! / medians[0]!,
        goal,
      ];
    }),
  );
}

const bare = bareServerPackage();
const main = join(ROOT, 'dist/cli/main.js');
if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first');
console.log(
  `Node ${process.version}${hasNode24 ? ` and ${NODE24}` : ' (no Node 24 binary found: its rows are left out)'}; ${RUNS} runs per row`,
);

await measure('Start to first answered query (fresh data directory)', [
  {
    name: 'baseline: bare node:http server, `npm start`',
    run: () => timeToFirstAnswer('npm', ['start', '--silent', '--'], bare),
  },
  {
    name: 'bare node:http server, `node server.js`',
    run: () => timeToFirstAnswer(process.execPath, ['server.js'], bare),
  },
  {
    name: '**node: `npm start`**',
    goalMs: 600,
    run: () => timeToFirstAnswer('npm', ['start', '--silent', '--'], ROOT),
  },
  { name: 'node: `node dist/cli/main.js`', run: () => timeToFirstAnswer(process.execPath, [main], ROOT) },
  {
    // The main-thread miner has no threads to warm up: what the worker miner's warm-up at start costs the start.
    name: 'node: `node dist/cli/main.js --miner-threads 0` (no miner warm-up)',
    run: () => timeToFirstAnswer(process.execPath, [main, '--miner-threads', '0'], ROOT),
  },
  ...(hasNode24
    ? [{ name: 'node: `node dist/cli/main.js`, Node 24', run: () => timeToFirstAnswer(NODE24, [main], ROOT) }]
    : []),
  {
    name: 'tsx on the source (how every start ran before the build step)',
    run: () => timeToFirstAnswer(process.execPath, ['--import', 'tsx', 'src/cli/main.ts'], ROOT),
  },
]);

// One node serves the CLI rows.
const dataDir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
const server = spawn(process.execPath, [main, '--port', '0', '--data-dir', dataDir, '--miner-threads', '0'], {
  cwd: ROOT,
  detached: true,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) => {
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const match = /GraphiQL: (http:\/\/\S+)/.exec(output);
    if (match !== null) resolve(match[1]!);
  });
});
const oneQuery = join(mkdtempSync(join(tmpdir(), 'bench-query-')), 'query.mjs');
writeFileSync(
  oneQuery,
  `import { request } from 'node:http';
const req = request(${JSON.stringify(url)}, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => { process.stdout.write(body + '\\n'); }); });
req.end(${JSON.stringify(JSON.stringify({ query: '{ chain { length tip { hash } } }' }))});
`,
);
const cli = ['chain', '--node', url];
try {
  await measure('One CLI query (`node-cli chain`) against a running node, spawn to exit', [
    { name: 'baseline: bare script, one query with node:http', run: () => timeToExit(process.execPath, [oneQuery]) },
    {
      name: '**`node bin/node-cli.mjs chain`**',
      goalMs: 300,
      run: () => timeToExit(process.execPath, ['bin/node-cli.mjs', ...cli]),
    },
    ...(hasNode24
      ? [
          {
            name: '`node bin/node-cli.mjs chain`, Node 24',
            run: () => timeToExit(NODE24, ['bin/node-cli.mjs', ...cli]),
          },
        ]
      : []),
    { name: '`npx node-cli chain`', run: () => timeToExit('npx', ['--no-install', 'node-cli', ...cli]) },
    {
      name: 'tsx on the source: `node --import tsx src/cli/main.ts chain`',
      run: () => timeToExit(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...cli]),
    },
  ]);
} finally {
  await stopGroup(server);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(bare, { recursive: true, force: true });
  rmSync(join(oneQuery, '..'), { recursive: true, force: true });
}
