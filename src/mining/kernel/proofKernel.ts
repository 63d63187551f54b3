/**
 * The contract between the proof search (createProofSearcher.ts) and a hashing kernel: the searcher sets message
 * words W3 and W4, the kernel scans values of the proof's last byte (W5). The words: docs/MINING.md.
 */
export interface ProofKernel {
  /** Proofs per kernel step; a power of two dividing 256. `scan` bounds are multiples of it. */
  readonly lanes: number;
  /** Sets message word W3 (difficulty byte << 24 | proof bytes 77..79). */
  setWord3(word: number): void;
  /** Sets message word W4 (proof bytes 80..83). */
  setWord4(word: number): void;
  /**
   * Tries last-byte values `from`, `from + lanes`, … below `to` (multiples of `lanes`, to ≤ 256). Returns
   * `first * 65536 + hits` for the first step with a passing proof (bit i of `hits`: last byte `first + i` gave a
   * first digest word w with `(w & mask) === 0`), or -1.
   */
  scan(from: number, to: number): number;
  /** Writes the full digest (8 words) for last byte `last` into `out`. For checks, not for the hot loop. */
  digest(last: number, out: Uint32Array): void;
  /**
   * Points the kernel at another header (its midstate, fixed words and mask; W3 and W4 are set again by the caller),
   * so one kernel serves job after job: a new wasm instance per job cost a worker 0.03–0.15 ms before each search.
   */
  load(input: ProofKernelInput): void;
}

/** What a kernel is built from: the header's midstate, its fixed words W0..W2 and the first-word mask. */
export interface ProofKernelInput {
  /** Chaining value after the header's first 64 bytes. */
  readonly midstate: Uint32Array;
  /** Message words W0..W2 of the second block (header bytes 64..75). */
  readonly fixedWords: readonly [number, number, number];
  /** The difficulty's leading bits of digest word 0 (0 for difficulty 0, all ones from 32 up). */
  readonly mask: number;
}
