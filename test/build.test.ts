import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** dist/ as test/globalSetup.ts built it from the current source (what `npm run build` writes). */
const DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** Packages the build leaves in node_modules (scripts/build.mjs says why); everything else is bundled. */
const EXTERNAL = ['lmdb', 'esbuild', '@graphql-yoga/render-graphiql/graphiql', 'bufferutil', 'utf-8-validate'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const scripts = files(DIST).filter((file) => file.endsWith('.js'));

/** Module names a built file loads: static and dynamic imports, and require() calls of bundled CommonJS code. */
function loadedModules(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const patterns = [
    /^\s*import\s[^;]*?\sfrom\s*"([^"]+)"/gm,
    /^\s*import\s*"([^"]+)"/gm,
    /\bimport\(\s*"([^"]+)"\s*\)/g,
    /\brequire\(\s*"([^"]+)"\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!));
}

describe('the build (dist/)', () => {
  it('has the entry points that npm start, node-cli, the miner, the signature pool and the dashboard use', () => {
    for (const file of [
      'cli/main.js',
      'mining/minerWorker.js',
      'node/signatureWorker.js',
      'dashboard/dashboard.js',
      'dashboard/dashboard.css',
    ]) {
      expect(statSync(join(DIST, file)).size, file).toBeGreaterThan(0);
    }
  });

  it('puts every script exactly one folder below dist/, as every module sits below src/ (paths from import.meta.url)', () => {
    const misplaced = scripts.map((file) => relative(DIST, file)).filter((path) => path.split(sep).length !== 2);
    expect(misplaced).toEqual([]);
  });

  it('loads nothing from node_modules but the packages it keeps external, and never tsx', () => {
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const outside = new Set<string>();
    for (const file of scripts) {
      for (const name of loadedModules(file)) {
        if (name.startsWith('.') || builtins.has(name)) continue;
        if (!EXTERNAL.includes(name)) outside.add(`${relative(DIST, file)}: ${name}`);
      }
    }
    expect([...outside]).toEqual([]);
  });
});
