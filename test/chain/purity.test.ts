import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// src/chain is the pure consensus engine: no I/O, no timers, no logging, no hidden clock or randomness, no GraphQL.
// The node injects the clock; storage sits behind the KeyValueStore interface (src/chain/db). (node:crypto is pure
// computation.)

const CHAIN_DIR = new URL('../../src/chain/', import.meta.url);
const files = (readdirSync(CHAIN_DIR, { recursive: true }) as string[]).filter((name) => name.endsWith('.ts')).sort();
const sources = new Map(files.map((name) => [name, readFileSync(new URL(name, CHAIN_DIR), 'utf8')]));

/** Every module specifier a source imports or re-exports, with whether the import is type-only. */
function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const pattern =
    /^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const match of code(source).matchAll(pattern)) {
    const specifier = match[3] ?? match[4] ?? match[5] ?? match[6]!;
    found.push({ specifier, typeOnly: match[2] !== undefined });
  }
  return found;
}

/** The source without comments, so that a comment may explain why something is not used. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const FORBIDDEN_MODULE = [
  /^(node:)?(http|https|http2|net|tls|dgram|dns|fs|fs\/promises|worker_threads|child_process|cluster|timers|timers\/promises|readline|os)$/,
  /^graphql/,
  /^@pothos\//,
  /^graphql-request$/,
  /^ws$/,
];
const FORBIDDEN_CODE: readonly [string, RegExp][] = [
  ['console.', /\bconsole\./],
  ['setTimeout', /\bsetTimeout\b/],
  ['setInterval', /\bsetInterval\b/],
  ['setImmediate', /\bsetImmediate\b/],
  ['Date.now', /\bDate\.now\b/],
  ['new Date', /\bnew\s+Date\b/],
  ['Math.random', /\bMath\.random\b/],
  ['process.', /\bprocess\./],
];

describe('purity of src/chain', () => {
  it('reads every engine file', () => {
    for (const name of ['chain.ts', 'mempool.ts', 'validateBlock.ts', 'encoding.ts', 'db/chainDb.ts', 'params.ts']) {
      expect(files).toContain(name);
    }
    expect(importsOf(sources.get('hash.ts')!)).toEqual([{ specifier: 'node:crypto', typeOnly: false }]);
    expect(importsOf(sources.get('chain.ts')!).length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s imports no I/O, timer or GraphQL module', (name) => {
    const offending = importsOf(sources.get(name)!)
      .map((entry) => entry.specifier)
      .filter((specifier) => FORBIDDEN_MODULE.some((pattern) => pattern.test(specifier)));
    expect(offending).toEqual([]);
  });

  it.each(files)('%s imports only node:crypto and files of src/chain', (name) => {
    const inChain = name.includes('/') ? /^(\.\/|\.\.\/)(db\/)?[A-Za-z]+\.js$/ : /^\.\/(db\/)?[A-Za-z]+\.js$/;
    const outside = importsOf(sources.get(name)!)
      .map((entry) => entry.specifier)
      .filter((specifier) => specifier !== 'node:crypto' && !inChain.test(specifier));
    expect(outside).toEqual([]);
  });

  it.each(files)('%s uses no console, timers, wall clock or randomness', (name) => {
    const body = code(sources.get(name)!);
    const used = FORBIDDEN_CODE.filter(([, pattern]) => pattern.test(body)).map(([label]) => label);
    expect(used).toEqual([]);
  });

  // Import cycles (src/chain included) are checked for the whole tree by test/architecture.test.ts.

  it('detects what it forbids (the checks are not vacuous)', () => {
    expect(
      importsOf(
        "import {\n  readFileSync,\n} from 'node:fs';\n/** from \"0\" */\nimport type { X } from './types.js';",
      ),
    ).toEqual([
      { specifier: 'node:fs', typeOnly: false },
      { specifier: './types.js', typeOnly: true },
    ]);
    expect(importsOf("export { a } from 'graphql';\nconst m = await import('node:net');")).toEqual([
      { specifier: 'graphql', typeOnly: false },
      { specifier: 'node:net', typeOnly: false },
    ]);
    expect(FORBIDDEN_MODULE.some((pattern) => pattern.test('@pothos/core'))).toBe(true);
    const body = code('// Date.now is not used here\nconst t = Date.now();');
    expect(FORBIDDEN_CODE.filter(([, pattern]) => pattern.test(body)).map(([label]) => label)).toEqual(['Date.now']);
  });
});
