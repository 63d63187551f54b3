import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeader, HEADER_PROOF_OFFSET } from '../../src/chain/encoding.js';
import { bytesToHex } from '../../src/chain/hex.js';
import { MAX_PROOF } from '../../src/chain/pow.js';
import { createProofSearcher, type ProofKernelName } from '../../src/mining/kernel/createProofSearcher.js';
import { sha256Midstate, sha256Reference } from '../../src/mining/kernel/sha256Midstate.js';

// The kernel's hashing against node:crypto (OpenSSL): the reference compression on the FIPS 180-2 vectors and on
// random messages, and every kernel's full digest of an 85-byte header on fixed and random headers and proofs.
// Properties run with a fixed seed so that a failure reproduces.

const SEED = 20_240_611;
const KERNELS: readonly ProofKernelName[] = ['wasm-simd', 'wasm-scalar', 'js'];

const nodeSha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The header with `proof` written big-endian at offset 77, as encodeHeader does. */
function withProof(header: Uint8Array, proof: number): Uint8Array {
  const copy = Uint8Array.from(header);
  const view = new DataView(copy.buffer);
  view.setUint32(HEADER_PROOF_OFFSET, Math.floor(proof / 2 ** 32));
  view.setUint32(HEADER_PROOF_OFFSET + 4, proof >>> 0);
  return copy;
}

const HEADER = encodeHeader({
  index: 2,
  timestamp: 1_700_000_000_123,
  previousHash: 'ab'.repeat(32),
  merkleRoot: 'cd'.repeat(32),
  difficulty: 12,
  proof: 0,
});

describe('sha256Reference (the kernel’s plain-TypeScript compression)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('hashes the FIPS 180-2 vector %j to the published digest, as node:crypto does', (text, expected) => {
    const bytes = new TextEncoder().encode(text);
    expect(bytesToHex(sha256Reference(bytes))).toBe(expected);
    expect(nodeSha256(bytes)).toBe(expected);
  });

  it('hashes an 85-byte header as node:crypto does', () => {
    expect(bytesToHex(sha256Reference(HEADER))).toBe(nodeSha256(HEADER));
  });

  it('hashes random messages of 0 to 300 bytes (every padding case) as node:crypto does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (message) => {
        expect(bytesToHex(sha256Reference(message))).toBe(nodeSha256(message));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('refuses a midstate of less than one block', () => {
    expect(() => sha256Midstate(new Uint8Array(63))).toThrow(RangeError);
  });
});

describe.each(KERNELS)('the %s kernel', (kernel) => {
  it('hashes a fixed header with proofs around every boundary of its words as node:crypto does', () => {
    const searcher = createProofSearcher(HEADER, 12, { kernel });
    const proofs = [0, 1, 3, 4, 255, 256, 65_535, 2 ** 24, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, MAX_PROOF - 1, MAX_PROOF];
    for (const proof of proofs) {
      expect(bytesToHex(searcher.digest(proof)), `proof ${proof}`).toBe(nodeSha256(withProof(HEADER, proof)));
    }
  });

  it('hashes random headers with random proofs as node:crypto does', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 85, maxLength: 85 }),
        fc.integer({ min: 0, max: 255 }),
        fc.array(fc.integer({ min: 0, max: MAX_PROOF }), { minLength: 1, maxLength: 8 }),
        (header, difficulty, proofs) => {
          const searcher = createProofSearcher(header, difficulty, { kernel });
          for (const proof of proofs)
            expect(bytesToHex(searcher.digest(proof))).toBe(nodeSha256(withProof(header, proof)));
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });
});
