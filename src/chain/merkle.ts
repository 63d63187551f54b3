import { sha256 } from './hash.js';
import { bytesToHex, hexToBytes, ZERO_HASH } from './hex.js';

/**
 * Merkle root over transaction ids (each 32 bytes of hex).
 * Each level hashes adjacent pairs as SHA-256(left || right); an odd last node is carried up unchanged rather than
 * paired with itself, which avoids Bitcoin's duplicate-leaf ambiguity (CVE-2012-2459). No ids → 32 zero bytes.
 */
export function computeMerkleRoot(transactionIds: readonly string[]): string {
  if (transactionIds.length === 0) return ZERO_HASH;
  let level: Uint8Array[] = transactionIds.map((id) => hexToBytes(id));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1];
      if (right === undefined) {
        next.push(left);
        continue;
      }
      const pair = new Uint8Array(64);
      pair.set(left, 0);
      pair.set(right, 32);
      next.push(sha256(pair));
    }
    level = next;
  }
  return bytesToHex(level[0]!);
}
