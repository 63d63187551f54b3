import type { ProofKernel, ProofKernelInput } from './proofKernel.js';
import { compressWords } from './sha256Midstate.js';

/** The second block's W5 low bits (the 0x80 pad byte after the last header byte) and W15 (85 bytes = 680 bits). */
const PAD_AFTER_LAST_BYTE = 0x00800000;
const MESSAGE_BITS = 85 * 8;

/**
 * The plain-TypeScript kernel: per try, the midstate is copied and the second block compressed by the reference
 * compression. About 6× slower than the SIMD wasm kernel (`npm run bench:mining`); it is the fallback where
 * WebAssembly is unavailable (e.g. `node --jitless`) and an independent check of the wasm kernels in tests.
 */
export function createJsProofKernel(input: ProofKernelInput): ProofKernel {
  const midstate = new Uint32Array(8);
  let mask = 0;
  const words = new Uint32Array(16);
  words[15] = MESSAGE_BITS;
  const state = new Uint32Array(8);
  const schedule = new Uint32Array(64);
  const load = (next: ProofKernelInput) => {
    midstate.set(next.midstate);
    words[0] = next.fixedWords[0];
    words[1] = next.fixedWords[1];
    words[2] = next.fixedWords[2];
    mask = next.mask;
  };
  load(input);
  return {
    lanes: 1,
    load,
    setWord3(word) {
      words[3] = word;
    },
    setWord4(word) {
      words[4] = word;
    },
    scan(from, to) {
      for (let last = from; last < to; last++) {
        words[5] = (last << 24) | PAD_AFTER_LAST_BYTE;
        state.set(midstate);
        compressWords(state, words, schedule);
        if ((state[0]! & mask) === 0) return last * 65536 + 1;
      }
      return -1;
    },
    digest(last, out) {
      words[5] = (last << 24) | PAD_AFTER_LAST_BYTE;
      out.set(midstate);
      compressWords(out, words, schedule);
    },
  };
}
