import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

/** Layers of STYLE.md: a folder may import its own layer's folder and any lower layer, nothing above. */
// guards: pure checks of user input (API, CLI, config), importing nothing from src. dashboard: the page's server half
// (imported by api/server.ts), which imports nothing from src. client: the typed client for other programs (and the
// CLI), on top of the wallet.
const LAYER: Record<string, number> = {
  guards: 0,
  chain: 0,
  wallet: 1,
  mining: 1,
  peer: 1,
  storage: 1,
  node: 2,
  dashboard: 2,
  client: 2,
  api: 3,
  cli: 4,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) =>
    resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts')),
  );
}

const folderOf = (file: string) => relative(SRC, file).split('/')[0]!;

describe('architecture (STYLE.md: imports point one way, no cycles)', () => {
  const files = sourceFiles(SRC);

  it('puts every source file in a known layer', () => {
    expect(files.map(folderOf).filter((folder) => !(folder in LAYER))).toEqual([]);
  });

  it('imports only from the same folder or a lower layer (chain ← wallet, mining, peer, storage ← node ← api ← cli)', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const target of localImports(file)) {
        const to = folderOf(target);
        if (to !== from && LAYER[to]! >= LAYER[from]!)
          violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles between source files', () => {
    const graph = new Map(files.map((file) => [file, localImports(file)]));
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
