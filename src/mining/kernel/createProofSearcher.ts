import { HEADER_BYTES, HEADER_PROOF_OFFSET } from '../../chain/encoding.js';
import { MAX_PROOF } from '../../chain/pow.js';
import { createJsProofKernel } from './createJsProofKernel.js';
import { compileWasmProofKernel, createWasmProofKernel, type WasmKernelName } from './createWasmProofKernel.js';
import type { ProofKernelInput } from './proofKernel.js';
import { readBlockWords, sha256Midstate } from './sha256Midstate.js';

// The worker-thread miner's proof search: the same answers as src/mining/searchProof.ts, about 18× faster on one
// thread. Why 'wasm-simd' by default and 'js' as the fallback, measured with `npm run bench:mining`: docs/MINING.md.

/** Which kernel hashes the tries. */
export type ProofKernelName = WasmKernelName | 'js';

/** Options of `createProofSearcher`. */
export interface ProofSearcherOptions {
  /** The kernel to use (default: the fastest available, see `defaultProofKernel`). */
  readonly kernel?: ProofKernelName;
}

/** A proof search over one header. Allocates nothing per try; not safe to share between threads (none is). */
export interface ProofSearcher {
  /** The kernel that hashes the tries. */
  readonly kernel: ProofKernelName;
  /**
   * The first proof in [startProof, startProof + tries) — never reaching MAX_PROOF, as in searchProof.ts — whose
   * header hash has at least `difficulty` leading zero bits, or -1 when there is none.
   * @throws {RangeError} when startProof or tries is not a non-negative safe integer.
   */
  search(startProof: number, tries: number): number;
  /**
   * Searches another header from now on, with the same kernel (a worker keeps one searcher for job after job).
   * @throws {TypeError} when header85 is not a Uint8Array.
   * @throws {RangeError} when header85 is not 85 bytes or difficulty is not an integer from 0 to 255.
   */
  retarget(header85: Uint8Array, difficulty: number): void;
  /** The header hash (SHA-256 of the 85 bytes) with `proof`, computed by the kernel. For checks: it allocates. */
  digest(proof: number): Uint8Array;
}

/** The fastest kernel this runtime supports. */
export function defaultProofKernel(): ProofKernelName {
  return compileWasmProofKernel('wasm-simd') !== null ? 'wasm-simd' : 'js';
}

const TWO_TO_32 = 2 ** 32;

/**
 * Prepares a proof search over `header85` (an encoded header; its proof bytes are ignored) for hashes with at least
 * `difficulty` leading zero bits. The header's own difficulty byte is hashed as it is; `difficulty` is the target.
 * @throws {TypeError} when header85 is not a Uint8Array.
 * @throws {RangeError} when header85 is not 85 bytes or difficulty is not an integer from 0 to 255.
 * @throws {Error} when the requested kernel is not supported by this runtime.
 */
export function createProofSearcher(
  header85: Uint8Array,
  difficulty: number,
  options: ProofSearcherOptions = {},
): ProofSearcher {
  let target = searchTarget(header85, difficulty);
  const kernelName = options.kernel ?? defaultProofKernel();
  const kernel =
    kernelName === 'js' ? createJsProofKernel(target.input) : createWasmProofKernel(kernelName, target.input);
  const lanes = kernel.lanes;
  const fullDigest = new Uint32Array(8);
  let currentHigh = -1;

  /** Points the kernel at proofs high * 2^32 + (word4Low << 8) + 0..255. */
  const select = (high: number, low: number) => {
    if (high !== currentHigh) {
      // W3 = difficulty byte | proof bytes 77..79, the top 24 bits of the proof's high 32 bits.
      kernel.setWord3(target.difficultyWord | (high >>> 8));
      currentHigh = high;
    }
    // W4 = proof bytes 80..83: the high word's last byte, then the low word's top 24 bits.
    kernel.setWord4(((high & 0xff) << 24) | (low >>> 8));
  };

  /** The full rule for last byte `last` of the selected 256 proofs (for difficulties above 32 bits). */
  const meetsDifficulty = (last: number) => {
    kernel.digest(last, fullDigest);
    return leadingZeroBitsOfWords(fullDigest) >= target.difficulty;
  };

  return {
    kernel: kernelName,
    search(startProof, tries) {
      if (!Number.isSafeInteger(startProof) || startProof < 0) {
        throw new RangeError('startProof must be a non-negative safe integer');
      }
      if (!Number.isSafeInteger(tries) || tries < 0) throw new RangeError('tries must be a non-negative safe integer');
      const end = Math.min(startProof + tries, MAX_PROOF);
      let proof = startProof;
      while (proof < end) {
        const high = Math.floor(proof / TWO_TO_32);
        const low = proof - high * TWO_TO_32;
        const last = low & 0xff;
        const blockStart = proof - last;
        select(high, low);
        const from = last - (last % lanes);
        const to = Math.min(256, Math.ceil((end - blockStart) / lanes) * lanes);
        const found = kernel.scan(from, to);
        if (found < 0) {
          proof = blockStart + 256;
          continue;
        }
        const first = Math.floor(found / 65536);
        for (let lane = 0, hits = found & 0xffff; hits !== 0; lane++, hits >>>= 1) {
          const candidate = blockStart + first + lane;
          if ((hits & 1) === 0 || candidate < proof || candidate >= end) continue;
          if (target.difficulty <= 32 || meetsDifficulty(first + lane)) return candidate;
        }
        proof = Math.max(proof, blockStart + first + lanes);
      }
      return -1;
    },
    retarget(nextHeader85, nextDifficulty) {
      target = searchTarget(nextHeader85, nextDifficulty);
      kernel.load(target.input);
      currentHigh = -1;
    },
    digest(proof) {
      if (!Number.isSafeInteger(proof) || proof < 0) throw new RangeError('proof must be a non-negative safe integer');
      const high = Math.floor(proof / TWO_TO_32);
      const low = proof - high * TWO_TO_32;
      select(high, low);
      const words = new Uint32Array(8);
      kernel.digest(low & 0xff, words);
      const bytes = new Uint8Array(32);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < 8; i++) view.setUint32(4 * i, words[i]!);
      return bytes;
    },
  };
}

/** What the kernel and the search need of one header: the kernel's input, the difficulty byte's W3 bits, the target. */
interface SearchTarget {
  readonly input: ProofKernelInput;
  /** The header's own difficulty byte, in place in message word W3. */
  readonly difficultyWord: number;
  /** Leading zero bits a hash needs. */
  readonly difficulty: number;
}

/** Checks the arguments of a search and derives its target (see createProofSearcher for the throws). */
function searchTarget(header85: Uint8Array, difficulty: number): SearchTarget {
  if (!(header85 instanceof Uint8Array)) throw new TypeError('header85 must be a Uint8Array');
  if (header85.length !== HEADER_BYTES) throw new RangeError(`header85 must be ${HEADER_BYTES} bytes`);
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 255) {
    throw new RangeError('difficulty must be an integer from 0 to 255');
  }
  // The second block: header bytes 64..84, then the 0x80 pad byte; only W0..W2 are read from it (W3..W5: the proof).
  const second = new Uint8Array(64);
  second.set(header85.subarray(64, HEADER_PROOF_OFFSET));
  const secondWords = new Uint32Array(16);
  readBlockWords(second, 0, secondWords);
  // Digest word 0 holds the hash's first 32 bits: a try passes the early test when the difficulty's leading bits of
  // it are zero; that is the whole rule up to 32 bits, and above 32 bits the candidate is confirmed on all 8 words.
  const mask = difficulty === 0 ? 0 : difficulty >= 32 ? -1 : -1 << (32 - difficulty);
  return {
    input: {
      midstate: sha256Midstate(header85),
      fixedWords: [secondWords[0]!, secondWords[1]!, secondWords[2]!],
      mask,
    },
    difficultyWord: header85[HEADER_PROOF_OFFSET - 1]! << 24,
    difficulty,
  };
}

// Apart from src/chain/pow.ts's byte version because the hot search reads the kernel's words as they are, no copies.
/** Leading zero bits of a digest held as 8 big-endian words (the block hash read as a 256-bit number). */
function leadingZeroBitsOfWords(words: Uint32Array): number {
  let bits = 0;
  for (let i = 0; i < 8; i++) {
    const word = words[i]!;
    if (word !== 0) return bits + Math.clz32(word);
    bits += 32;
  }
  return bits;
}
