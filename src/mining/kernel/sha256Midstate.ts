/**
 * A plain-TypeScript SHA-256 (FIPS 180-4) split at its block boundary: a header's constant first 64 bytes are hashed
 * once (the "midstate"), and only the second block per try. Where it is used: docs/MINING.md. Words are unsigned
 * 32-bit numbers held in Uint32Arrays; nothing allocates.
 */

/**
 * FIPS 180-4 §4.2.2: the 64 round constants (first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes).
 */
// biome-ignore format: rows of eight words, as FIPS 180-4 prints them
export const SHA256_K: Readonly<Uint32Array> = Uint32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/**
 * FIPS 180-4 §5.3.3: the initial hash value (first 32 bits of the fractional parts of the square roots of the first
 * 8 primes).
 */
// biome-ignore format: rows of eight words, as FIPS 180-4 prints them
export const SHA256_IV: Readonly<Uint32Array> = Uint32Array.of(
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
);

/** Bytes of one SHA-256 message block. */
export const SHA256_BLOCK_BYTES = 64;

/**
 * FIPS 180-4 §6.2.2: compresses the 16 big-endian message words `block[0..15]` into `state` (8 words, in place).
 * `schedule` is caller-owned scratch of 64 words, so the hot path allocates nothing.
 */
export function compressWords(state: Uint32Array, block: ArrayLike<number>, schedule: Uint32Array): void {
  const w = schedule;
  for (let t = 0; t < 16; t++) w[t] = block[t]!;
  for (let t = 16; t < 64; t++) {
    const x = w[t - 2]!;
    const y = w[t - 15]!;
    const sigma1 = ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);
    const sigma0 = ((y >>> 7) | (y << 25)) ^ ((y >>> 18) | (y << 14)) ^ (y >>> 3);
    w[t] = sigma1 + w[t - 7]! + sigma0 + w[t - 16]!;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const bigSigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choose = g ^ (e & (f ^ g));
    const t1 = (h + bigSigma1 + choose + SHA256_K[t]! + w[t]!) | 0;
    const bigSigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) | (c & (a | b));
    const t2 = (bigSigma0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = state[0]! + a;
  state[1] = state[1]! + b;
  state[2] = state[2]! + c;
  state[3] = state[3]! + d;
  state[4] = state[4]! + e;
  state[5] = state[5]! + f;
  state[6] = state[6]! + g;
  state[7] = state[7]! + h;
}

/** Reads the 16 big-endian words of the 64-byte block of `bytes` at `offset` into `words`. */
export function readBlockWords(bytes: Uint8Array, offset: number, words: Uint32Array): void {
  for (let i = 0; i < 16; i++) {
    const at = offset + 4 * i;
    words[i] = (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  }
}

/**
 * The midstate: the SHA-256 chaining value after the first 64-byte block of `message` (FIPS 180-4 §6.2 with one
 * block). @throws {RangeError} when `message` is shorter than one block.
 */
export function sha256Midstate(message: Uint8Array): Uint32Array {
  if (message.length < SHA256_BLOCK_BYTES) throw new RangeError('a midstate needs at least one 64-byte block');
  const state = Uint32Array.from(SHA256_IV);
  const words = new Uint32Array(16);
  readBlockWords(message, 0, words);
  compressWords(state, words, new Uint32Array(64));
  return state;
}

/**
 * SHA-256 of any message with this module's compression (padding of FIPS 180-4 §5.1.1): the reference the kernel
 * tests compare with node:crypto. Not for hot paths: it allocates the padded message.
 */
export function sha256Reference(message: Uint8Array): Uint8Array {
  // §5.1.1: append 0x80, zeros up to 56 mod 64, then the message length in bits as a 64-bit big-endian number.
  const paddedLength = Math.ceil((message.length + 9) / SHA256_BLOCK_BYTES) * SHA256_BLOCK_BYTES;
  const padded = new Uint8Array(paddedLength);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = message.length * 8;
  view.setUint32(paddedLength - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(paddedLength - 4, bits >>> 0);
  const state = Uint32Array.from(SHA256_IV);
  const words = new Uint32Array(16);
  const schedule = new Uint32Array(64);
  for (let offset = 0; offset < paddedLength; offset += SHA256_BLOCK_BYTES) {
    readBlockWords(padded, offset, words);
    compressWords(state, words, schedule);
  }
  const digest = new Uint8Array(32);
  const out = new DataView(digest.buffer);
  for (let i = 0; i < 8; i++) out.setUint32(4 * i, state[i]!);
  return digest;
}
