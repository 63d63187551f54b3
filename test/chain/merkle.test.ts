import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/chain/hash.js';
import { hexToBytes, ZERO_HASH } from '../../src/chain/hex.js';
import { computeMerkleRoot } from '../../src/chain/merkle.js';

// Merkle rule: pairs hash as SHA-256(left || right); an odd last node is carried up unchanged (never paired with
// itself, which avoids Bitcoin's duplicate-leaf ambiguity, CVE-2012-2459); no ids give 32 zero bytes.

const leaf = (n: number): string => sha256Hex(new TextEncoder().encode(`leaf-${n}`));
const pair = (left: string, right: string): string => sha256Hex(hexToBytes(left + right));
const [a, b, c, d, e] = [1, 2, 3, 4, 5].map(leaf) as [string, string, string, string, string];

describe('merkle root', () => {
  it('is 32 zero bytes for no ids', () => {
    expect(computeMerkleRoot([])).toBe(ZERO_HASH);
  });

  it('is the id itself for one id', () => {
    expect(computeMerkleRoot([a])).toBe(a);
  });

  it('hashes a pair as SHA-256(left || right)', () => {
    expect(computeMerkleRoot([a, b])).toBe(pair(a, b));
  });

  it('carries an odd last node up unchanged instead of pairing it with itself', () => {
    expect(computeMerkleRoot([a, b, c])).toBe(pair(pair(a, b), c));
    expect(computeMerkleRoot([a, b, c, d, e])).toBe(pair(pair(pair(a, b), pair(c, d)), e));
  });

  it('gives different roots to a list and the list with its last id repeated (no CVE-2012-2459 ambiguity)', () => {
    expect(computeMerkleRoot([a, b, c])).not.toBe(computeMerkleRoot([a, b, c, c]));
    expect(computeMerkleRoot([a])).not.toBe(computeMerkleRoot([a, a]));
  });

  it('depends on the order of the ids', () => {
    expect(computeMerkleRoot([a, b])).not.toBe(computeMerkleRoot([b, a]));
  });

  it('refuses ids that are not hex', () => {
    expect(() => computeMerkleRoot(['xyz'])).toThrow(TypeError);
  });
});
