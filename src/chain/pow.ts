/** Number of leading zero bits of a hex hash. */
export function leadingZeroBits(hashHex: string): number {
  let bits = 0;
  for (let i = 0; i < hashHex.length; i++) {
    const nibble = parseInt(hashHex[i]!, 16);
    if (nibble === 0) {
      bits += 4;
      continue;
    }
    return bits + Math.clz32(nibble) - 28;
  }
  return bits;
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
