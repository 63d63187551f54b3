import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHAIN_READS } from '../src/chain/chain.js';
import { MEMPOOL_READS } from '../src/chain/mempool.js';
import { PEER_SET_READS } from '../src/peer/peerSet.js';

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

/**
 * Every `node.chain.x`, `node.mempool.x` and `node.peers.x` a source reaches that is not a read, and every reach into
 * `node.network`. (Passing `node.chain` on is fine: its type is the read-only view.)
 */
function frontDoorViolations(text: string): string[] {
  const reads: Record<string, readonly string[]> = {
    chain: CHAIN_READS,
    mempool: MEMPOOL_READS,
    peers: PEER_SET_READS,
  };
  const found: string[] = [];
  for (const [, part, member] of text.matchAll(/\bnode\.(chain|mempool|peers|network)\b(?:\s*\.\s*(\w+))?/g)) {
    if (part === 'network' || (member !== undefined && !reads[part!]!.includes(member))) {
      found.push(`node.${part}${member === undefined ? '' : `.${member}`}`);
    }
  }
  return found;
}

describe('one front door (every change of chain state is a Node method)', () => {
  const outside = sourceFiles(SRC).filter((file) => ['api', 'cli', 'dashboard'].includes(folderOf(file)));

  it('lets src/api, src/cli and src/dashboard only read the chain, the mempool and the peers through the node', () => {
    const violations = outside.flatMap((file) =>
      frontDoorViolations(readFileSync(file, 'utf8')).map((use) => `${relative(SRC, file)}: ${use}`),
    );
    expect(violations).toEqual([]);
  });

  it('detects a mutating call and a reach into the network (the check is not vacuous)', () => {
    expect(frontDoorViolations('ctx.node.chain\n  .addBlocks(blocks); ctx.node.chain.height; f(node.chain)')).toEqual([
      'node.chain.addBlocks',
    ]);
    expect(frontDoorViolations('node.mempool.add(tx); node.peers.remove(url); node.network.removeNodes(urls)')).toEqual(
      ['node.mempool.add', 'node.peers.remove', 'node.network.removeNodes'],
    );
  });
});
