import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeHeader } from '../../src/chain/encoding.js';
import type { ProofKernelShape } from '../../src/mining/kernel/proofKernelWasm.js';
import { buildProofKernelWasm, KernelLayout, lanesOf } from '../../src/mining/kernel/proofKernelWasm.js';
import { readBlockWords, sha256Midstate } from '../../src/mining/kernel/sha256Midstate.js';
import { ByteWriter } from '../../src/mining/kernel/wasmBinary.js';

// The hand-written wasm encoder and the generated module, below the searcher: LEB128 encodings, every module shape
// (including the interleaved ones the searcher does not use) validates and hashes like node:crypto, and the kernel
// folder imports nothing a worker thread could not load.

describe('ByteWriter (LEB128, WebAssembly core spec §5.2.2)', () => {
  it.each([
    [0, [0x00]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [624_485, [0xe5, 0x8e, 0x26]],
    [0xffffffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('encodes unsigned %d', (value, bytes) => {
    expect(new ByteWriter().u32(value).toBytes()).toEqual(bytes);
  });

  it.each([
    [0, [0x00]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-1, [0x7f]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-123_456, [0xc0, 0xbb, 0x78]],
    [0x7fffffff, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-0x80000000, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('encodes signed %d', (value, bytes) => {
    expect(new ByteWriter().s32(value).toBytes()).toEqual(bytes);
  });
});

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly scan: (from: number, to: number) => number;
  readonly digest: (from: number) => void;
}

/** An instance of `shape` loaded with `header` (proof bytes 80..83 = 0, so W4 holds only byte 80 = 0). */
function instantiate(shape: ProofKernelShape, header: Uint8Array, mask: number) {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(buildProofKernelWasm(shape)))
    .exports as unknown as KernelExports;
  const memory = new DataView(exports.memory.buffer);
  sha256Midstate(header).forEach((word, i) => {
    memory.setUint32(KernelLayout.midstate + 4 * i, word, true);
  });
  const second = new Uint8Array(64);
  second.set(header.subarray(64, 84));
  const words = new Uint32Array(16);
  readBlockWords(second, 0, words);
  for (let i = 0; i < 5; i++) memory.setUint32(KernelLayout.words + 4 * i, words[i]!, true);
  memory.setUint32(KernelLayout.mask, mask >>> 0, true);
  return { exports, memory };
}

describe('buildProofKernelWasm', () => {
  const header = encodeHeader({
    index: 3,
    timestamp: 99,
    previousHash: '5a'.repeat(32),
    merkleRoot: 'c3'.repeat(32),
    difficulty: 8,
    proof: 0,
  });
  const hashWithLastByte = (last: number) => {
    const copy = Uint8Array.from(header);
    copy[84] = last;
    return createHash('sha256').update(copy).digest();
  };
  const shapes: ProofKernelShape[] = [
    { simd: true, streams: 1 },
    { simd: true, streams: 2 },
    { simd: true, streams: 4 },
    { simd: false, streams: 1 },
    { simd: false, streams: 2 },
  ];

  it.each(shapes)('emits a valid module whose digests match node:crypto (%o)', (shape) => {
    const bytes = buildProofKernelWasm(shape);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const { exports, memory } = instantiate(shape, header, 0);
    const lanes = lanesOf(shape);
    for (const from of [0, lanes, 256 - lanes]) {
      exports.digest(from);
      for (let lane = 0; lane < lanes; lane++) {
        const expected = hashWithLastByte(from + lane);
        for (let j = 0; j < 8; j++) {
          expect(memory.getUint32(KernelLayout.out + 4 * (j * lanes + lane), true)).toBe(expected.readUInt32BE(4 * j));
        }
      }
    }
  });

  it.each(shapes)('scans to the first last byte whose digest passes the mask (%o)', (shape) => {
    const mask = 0xf8000000; // 5 leading bits
    const { exports } = instantiate(shape, header, mask);
    const passing = Array.from({ length: 256 }, (_, last) => last).filter(
      (last) => (hashWithLastByte(last).readUInt32BE(0) & mask) === 0,
    );
    const lanes = lanesOf(shape);
    const found = exports.scan(0, 256);
    expect(passing.length).toBeGreaterThan(0);
    const first = passing[0]!;
    const group = first - (first % lanes);
    const hits = passing
      .filter((last) => last >= group && last < group + lanes)
      .reduce((bits, last) => bits | (1 << (last - group)), 0);
    expect(found).toBe(group * 65536 + hits);
    expect(exports.scan(group + lanes, group + lanes)).toBe(-1);
  });

  it('refuses shapes whose lanes do not divide 256', () => {
    expect(() => buildProofKernelWasm({ simd: false, streams: 3 })).toThrow(RangeError);
    expect(() => buildProofKernelWasm({ simd: true, streams: 8 })).toThrow(RangeError);
  });
});

describe('the kernel folder', () => {
  it('imports only node built-ins, its own files and src/chain (so a worker thread can load it)', () => {
    const folder = new URL('../../src/mining/kernel/', import.meta.url);
    const specifiers = readdirSync(folder)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) =>
        [...readFileSync(new URL(name, folder), 'utf8').matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!),
      );
    expect(specifiers.filter((s) => !/^(node:|\.\/|\.\.\/\.\.\/chain\/)/.test(s))).toEqual([]);
  });
});
