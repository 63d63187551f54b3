import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HeaderTemplate } from '../../src/chain/block.js';
import { blockHash } from '../../src/chain/block.js';
import { encodeHeader } from '../../src/chain/encoding.js';
import { bytesToHex } from '../../src/chain/hex.js';
import { leadingZeroBits, MAX_PROOF } from '../../src/chain/pow.js';
import {
  createProofSearcher,
  defaultProofKernel,
  type ProofKernelName,
} from '../../src/mining/kernel/createProofSearcher.js';
import { searchProof } from '../../src/mining/searchProof.js';

// The kernel must find exactly the proof that src/mining/searchProof.ts (the main-thread search, one node:crypto
// hash per try) finds: the first in [start, start + tries) meeting the difficulty, or none. Checked on random
// templates at difficulties 0..12, with starts chosen to cross every boundary the kernel cares about: its SIMD
// groups of 4, the 256 proofs that share message word W4, and 2^32 where the proof's high word (W3, W4) changes.

const SEED = 20_240_611;
const KERNELS: readonly ProofKernelName[] = ['wasm-simd', 'wasm-scalar', 'js'];
const TWO_TO_32 = 2 ** 32;
/** A header of zeros at difficulty 0: every proof meets it. */
const ZERO_HEADER = encodeHeader({
  index: 1,
  timestamp: 0,
  previousHash: '00'.repeat(32),
  merkleRoot: '00'.repeat(32),
  difficulty: 0,
  proof: 0,
});

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);
const template = (difficulty: fc.Arbitrary<number>): fc.Arbitrary<HeaderTemplate> =>
  fc.record({
    index: fc.integer({ min: 1, max: 0xffffffff }),
    timestamp: fc.integer({ min: 0, max: 2 ** 48 }),
    previousHash: hex32,
    merkleRoot: hex32,
    difficulty,
  });
const start = fc.oneof(
  fc.integer({ min: 0, max: 600 }),
  fc.integer({ min: TWO_TO_32 - 300, max: TWO_TO_32 + 5 }),
  fc.integer({ min: 0, max: MAX_PROOF - 100_000 }),
  fc.integer({ min: MAX_PROOF - 600, max: MAX_PROOF }),
);
const tries = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 20_000 }));

/** The proof searchProof.ts finds, as the kernel reports it (-1 for none). */
function expected(header: HeaderTemplate, from: number, count: number): number {
  return searchProof(header, from, count)?.proof ?? -1;
}

function kernelSearch(header: HeaderTemplate, from: number, count: number, kernel: ProofKernelName): number {
  return createProofSearcher(encodeHeader({ ...header, proof: 0 }), header.difficulty, { kernel }).search(from, count);
}

describe.each(KERNELS)('createProofSearcher with the %s kernel', (kernel) => {
  it('finds the same first proof as searchProof.ts on random templates at difficulties 0..12', () => {
    fc.assert(
      fc.property(template(fc.integer({ min: 0, max: 12 })), start, tries, (header, from, count) => {
        expect(kernelSearch(header, from, count, kernel)).toBe(expected(header, from, count));
      }),
      { seed: SEED, numRuns: kernel === 'js' ? 120 : 250 },
    );
  });

  it('finds the same proofs as searchProof.ts across 2^32, starting at 2^32 - 5, at every difficulty 0..12', () => {
    let crossed = 0;
    fc.assert(
      fc.property(template(fc.constant(0)), (base) => {
        for (let difficulty = 0; difficulty <= 12; difficulty++) {
          const header = { ...base, difficulty };
          const found = kernelSearch(header, TWO_TO_32 - 5, 20_000, kernel);
          expect(found).toBe(expected(header, TWO_TO_32 - 5, 20_000));
          if (found >= TWO_TO_32) crossed++;
        }
      }),
      { seed: SEED, numRuns: 8 },
    );
    expect(crossed).toBeGreaterThan(20); // most searches above 2 bits find their proof past 2^32
  });

  it('keeps searching with the same searcher: successive slices give successive proofs', () => {
    const header: HeaderTemplate = {
      index: 9,
      timestamp: 1,
      previousHash: '00'.repeat(32),
      merkleRoot: 'ff'.repeat(32),
      difficulty: 6,
    };
    const searcher = createProofSearcher(encodeHeader({ ...header, proof: 0 }), header.difficulty, { kernel });
    let next = TWO_TO_32 - 1_000;
    for (let i = 0; i < 20; i++) {
      const found = searcher.search(next, 50_000);
      expect(found).toBe(expected(header, next, 50_000));
      next = found + 1;
    }
  });

  it('finds what a new searcher finds once retargeted at another header (one searcher, job after job)', () => {
    // Started high at difficulty 255, as a worker's warm-up leaves it: nothing of the old header may leak through.
    const searcher = createProofSearcher(ZERO_HEADER, 255, { kernel });
    searcher.search(TWO_TO_32 - 600, 1_000);
    fc.assert(
      fc.property(template(fc.integer({ min: 0, max: 12 })), start, tries, (header, from, count) => {
        searcher.retarget(encodeHeader({ ...header, proof: 0 }), header.difficulty);
        expect(searcher.search(from, count)).toBe(expected(header, from, count));
      }),
      { seed: SEED, numRuns: kernel === 'js' ? 60 : 120 },
    );
  });

  it('returns the start itself at difficulty 0, and -1 for no tries', () => {
    const searcher = createProofSearcher(ZERO_HEADER, 0, { kernel });
    for (const from of [0, 1, 3, 255, 257, TWO_TO_32 - 1, TWO_TO_32, MAX_PROOF - 1])
      expect(searcher.search(from, 1)).toBe(from);
    expect(searcher.search(10, 0)).toBe(-1);
  });

  it('never tries MAX_PROOF itself, as searchProof.ts', () => {
    const searcher = createProofSearcher(ZERO_HEADER, 0, { kernel });
    expect(searcher.search(MAX_PROOF, 10)).toBe(-1);
    expect(createProofSearcher(ZERO_HEADER, 255, { kernel }).search(MAX_PROOF - 300, 1_000)).toBe(-1);
  });
});

describe('createProofSearcher above 32 bits of difficulty (the first digest word is zero; the rest decides)', () => {
  // Found once by scanning this template from proof 0 with the wasm kernel (≈ 16.5 billion tries) and checked with
  // node:crypto: the first proof with exactly 32 leading zero bits and the first with 33.
  const header: HeaderTemplate = {
    index: 7,
    timestamp: 1_700_000_000_000,
    previousHash: '11'.repeat(32),
    merkleRoot: '22'.repeat(32),
    difficulty: 32,
  };
  const encoded = encodeHeader({ ...header, proof: 0 });
  const PROOF_32_BITS = 806_476_250;
  const PROOF_33_BITS = 16_511_605_940;

  it('uses proofs whose hashes have 32 and 33 leading zero bits', () => {
    expect(blockHash({ ...header, proof: PROOF_32_BITS })).toBe(
      '00000000d09a89db4e4c05fe44ab5a5097b499bfd4c4e17d2a86e75bc8b236ce',
    );
    expect(blockHash({ ...header, proof: PROOF_33_BITS })).toBe(
      '0000000048254dc87f76342043663a5d21db92b1b03af6f2161de95fc756cf3f',
    );
    expect(leadingZeroBits(blockHash({ ...header, proof: PROOF_32_BITS }))).toBe(32);
    expect(leadingZeroBits(blockHash({ ...header, proof: PROOF_33_BITS }))).toBe(33);
  });

  it.each(KERNELS)('accepts a 33-bit proof at 32 and 33 bits and rejects a 32-bit one at 33 (%s kernel)', (kernel) => {
    const near = (proof: number) => [proof - 600, 1_000] as const;
    expect(createProofSearcher(encoded, 32, { kernel }).search(...near(PROOF_32_BITS))).toBe(PROOF_32_BITS);
    expect(createProofSearcher(encoded, 33, { kernel }).search(...near(PROOF_32_BITS))).toBe(-1);
    expect(createProofSearcher(encoded, 32, { kernel }).search(...near(PROOF_33_BITS))).toBe(PROOF_33_BITS);
    expect(createProofSearcher(encoded, 33, { kernel }).search(...near(PROOF_33_BITS))).toBe(PROOF_33_BITS);
    expect(createProofSearcher(encoded, 34, { kernel }).search(...near(PROOF_33_BITS))).toBe(-1);
  });
});

describe('createProofSearcher guards', () => {
  const header = encodeHeader({
    index: 1,
    timestamp: 0,
    previousHash: '00'.repeat(32),
    merkleRoot: '00'.repeat(32),
    difficulty: 1,
    proof: 0,
  });

  it('uses the SIMD wasm kernel by default on Node 20', () => {
    expect(defaultProofKernel()).toBe('wasm-simd');
    expect(createProofSearcher(header, 1).kernel).toBe('wasm-simd');
  });

  it('rejects a header that is not an 85-byte Uint8Array', () => {
    expect(() => createProofSearcher([...header] as unknown as Uint8Array, 1)).toThrow(TypeError);
    expect(() => createProofSearcher(header.subarray(0, 84), 1)).toThrow(RangeError);
    expect(() => createProofSearcher(header, 1).retarget(header.subarray(0, 84), 1)).toThrow(RangeError);
    expect(() => createProofSearcher(header, 1).retarget(header, 256)).toThrow(RangeError);
  });

  it.each([-1, 256, 1.5, Number.NaN])('rejects difficulty %s', (difficulty) => {
    expect(() => createProofSearcher(header, difficulty)).toThrow(RangeError);
  });

  it.each([
    [-1, 1],
    [0.5, 1],
    [MAX_PROOF + 1, 1],
    [0, -1],
    [0, Number.POSITIVE_INFINITY],
  ])('rejects search(%s, %s)', (from, count) => {
    expect(() => createProofSearcher(header, 1).search(from, count)).toThrow(RangeError);
  });
});
