import { hash } from 'node:crypto';
import type { HeaderTemplate } from '../chain/block.js';
import { encodeHeader, HEADER_PROOF_OFFSET } from '../chain/encoding.js';
import { leadingZeroBitsOfBytes, MAX_PROOF } from '../chain/pow.js';
import type { BlockHeader } from '../chain/types.js';

/**
 * The first proof in [start, start + tries), below MAX_PROOF, whose header hash meets the template's difficulty, or
 * undefined; synchronous, so callers slice long searches. One node:crypto hash per try (docs/MINING.md).
 */
export function searchProof(template: HeaderTemplate, start: number, tries: number): BlockHeader | undefined {
  const header = Buffer.from(encodeHeader({ ...template, proof: 0 }));
  const end = Math.min(start + tries, MAX_PROOF);
  for (let proof = start; proof < end; proof++) {
    header.writeUInt32BE(Math.floor(proof / 2 ** 32), HEADER_PROOF_OFFSET);
    header.writeUInt32BE(proof >>> 0, HEADER_PROOF_OFFSET + 4);
    if (leadingZeroBitsOfBytes(hash('sha256', header, 'buffer')) >= template.difficulty) return { ...template, proof };
  }
  return undefined;
}
