import { hexToBytes } from './hex.js';

/** Number of leading zero bits of a hash as bytes, the first byte the most significant. */
export function leadingZeroBitsOfBytes(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte !== 0) return bits + Math.clz32(byte) - 24;
    bits += 8;
  }
  return bits;
}

/** Number of leading zero bits of a lowercase hex hash. @throws {TypeError} when it is not lowercase hex. */
export function leadingZeroBits(hashHex: string): number {
  return leadingZeroBitsOfBytes(hexToBytes(hashHex));
}

/** Proof-of-work rule: the block hash has at least `difficulty` leading zero bits. */
export function meetsDifficulty(hashHex: string, difficulty: number): boolean {
  return leadingZeroBits(hashHex) >= difficulty;
}

/** Work of one block at `difficulty`: the expected number of hashes to find it, 2^difficulty. */
export function blockWork(difficulty: number): bigint {
  return 1n << BigInt(difficulty);
}

/** Largest proof the header can carry (u64 field, limited to JavaScript's safe integers). */
export const MAX_PROOF = Number.MAX_SAFE_INTEGER;
