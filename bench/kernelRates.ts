/**
 * Proof-search speeds on one thread, against the machine's limit (used by `npm run bench:mining`).
 *
 * The limit is node:crypto (OpenSSL, SHA-NI where the CPU has it) hashing one large buffer: bytes/s ÷ 64 is the
 * number of SHA-256 compressions one core does per second, and a midstate search costs one compression per try.
 * Then: the tutorial's algorithm (sha256 of `${lastProof}${proof}` as hex, compare '0000'), src/mining/searchProof.ts
 * (one node:crypto hash of the 85-byte header per try) and each kernel of src/mining/kernel. Every row is the best of
 * a few timed rounds (the machine is shared; the best round is the least disturbed one).
 * BENCH_SECONDS (default 0.6) sets the length of a round.
 */
import { createHash } from 'node:crypto';
import { createHeaderTemplate } from '../src/chain/block.js';
import { encodeHeader } from '../src/chain/encoding.js';
import { createProofSearcher, type ProofKernelName } from '../src/mining/kernel/createProofSearcher.js';
import { searchProof } from '../src/mining/searchProof.js';

const ROUND_SECONDS = Number(process.env.BENCH_SECONDS ?? 0.6);
const ROUNDS = 3;
const UNREACHABLE = 255; // no proof meets it, so every try is counted

/** Best rate, in units per second, of `run(n)` (which does n units) over a few rounds of about ROUND_SECONDS. */
function bestRate(run: (units: number) => void, firstBatch: number): number {
  let batch = firstBatch;
  run(batch); // warm-up: lets V8 optimize (and tier wasm up) before timing
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let units = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_SECONDS * 1000) {
      run(batch);
      units += batch;
      elapsed = performance.now() - started;
      if (elapsed < 50) batch *= 2;
    }
    best = Math.max(best, units / (elapsed / 1000));
  }
  return best;
}

/** SHA-256 compressions per second on one core: node:crypto over a 16 MiB buffer, bytes/s ÷ 64. */
export function compressionsPerSecond(): number {
  const buffer = Buffer.alloc(16 * 1024 * 1024, 0x5a);
  const bytesPerSecond =
    bestRate((count) => {
      for (let i = 0; i < count; i++) createHash('sha256').update(buffer).digest();
    }, 1) * buffer.length;
  return bytesPerSecond / 64;
}

/** The tutorial's proof loop: sha256 of `${lastProof}${proof}` as hex, compare the first four characters with 0000. */
export function tutorialTriesPerSecond(): number {
  const lastProof = 35_293;
  let next = 0;
  let found = 0;
  const rate = bestRate((count) => {
    for (let end = next + count; next < end; next++) {
      if (createHash('sha256').update(`${lastProof}${next}`).digest('hex').slice(0, 4) === '0000') found++;
    }
  }, 10_000);
  if (found < 0) throw new Error('unreachable: keeps `found` alive');
  return rate;
}

const template = createHeaderTemplate({
  index: 2,
  timestamp: 1_700_000_000_000,
  previousHash: 'ab'.repeat(32),
  difficulty: UNREACHABLE,
  transactions: [],
});

/** src/mining/searchProof.ts: one node:crypto hash of the 85-byte header per try. */
export function searchProofTriesPerSecond(): number {
  let next = 0;
  return bestRate((count) => {
    if (searchProof(template, next, count) !== undefined) throw new Error('found a proof at difficulty 255');
    next += count;
  }, 10_000);
}

/** A kernel of src/mining/kernel on this thread. */
export function kernelTriesPerSecond(kernel: ProofKernelName): number {
  const searcher = createProofSearcher(encodeHeader({ ...template, proof: 0 }), UNREACHABLE, { kernel });
  let next = 0;
  return bestRate((count) => {
    if (searcher.search(next, count) !== -1) throw new Error('found a proof at difficulty 255');
    next += count;
  }, 65_536);
}

/** The single-thread table: the limit, the tutorial's algorithm, searchProof.ts and every kernel. */
export function singleThreadRows(): { limit: number; tutorial: number; rows: Array<[string, number]> } {
  const limit = compressionsPerSecond();
  const tutorial = tutorialTriesPerSecond();
  return {
    limit,
    tutorial,
    rows: [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the label quotes the tutorial's template literal
      ['tutorial: sha256(`${lastProof}${proof}`) hex, compare "0000"', tutorial],
      ['src/mining/searchProof.ts: node:crypto hash per try', searchProofTriesPerSecond()],
      ['kernel js: TypeScript midstate, one compression per try', kernelTriesPerSecond('js')],
      ['kernel wasm-scalar: generated wasm, 1 proof per step', kernelTriesPerSecond('wasm-scalar')],
      ['kernel wasm-simd (default): generated wasm, i32x4 = 4 proofs', kernelTriesPerSecond('wasm-simd')],
    ],
  };
}
