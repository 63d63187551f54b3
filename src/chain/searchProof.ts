import { hash } from 'node:crypto';
import { encodeHeader, HEADER_PROOF_OFFSET } from './encoding.js';
import type { HeaderTemplate } from './block.js';
import type { BlockHeader } from './types.js';

/**
 * Tries proofs `start`, `start + 1`, … (at most `tries` of them) and returns the first whose header hash meets the
 * template's difficulty, or undefined. Synchronous and bounded: callers slice long searches into chunks.
 * The header is encoded once and only its 8 proof bytes are rewritten per try; node:crypto's one-shot `hash` was
 * the fastest JavaScript-level option measured (faster than copying a midstate with Hash#copy, whose object
 * allocation costs more than the compression it saves). A midstate kernel comes with the worker-thread miner.
 */
export function searchProof(template: HeaderTemplate, start: number, tries: number): BlockHeader | undefined {
  const header = Buffer.from(encodeHeader({ ...template, proof: 0 }));
  const end = Math.min(start + tries, Number.MAX_SAFE_INTEGER);
  for (let proof = start; proof < end; proof++) {
    header.writeUInt32BE(Math.floor(proof / 2 ** 32), HEADER_PROOF_OFFSET);
    header.writeUInt32BE(proof >>> 0, HEADER_PROOF_OFFSET + 4);
    if (leadingZeroBitsOfBytes(hash('sha256', header, 'buffer')) >= template.difficulty) return { ...template, proof };
  }
  return undefined;
}

function leadingZeroBitsOfBytes(bytes: Uint8Array): number {
  let bits = 0;
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}
