/** Hex and fixed-width integer helpers shared by the encodings. Lowercase hex is the canonical text form. */

const HEX_RE = /^[0-9a-f]*$/;

/** True when `value` is lowercase hex of exactly `bytes` bytes. */
export function isHex(value: unknown, bytes: number): value is string {
  return typeof value === 'string' && value.length === bytes * 2 && HEX_RE.test(value);
}

/** Value of each lowercase hex digit by character code (below 128); -1 for every other character. */
const NIBBLES = new Int8Array(128).fill(-1);
for (let digit = 0; digit < 16; digit++) NIBBLES['0123456789abcdef'.charCodeAt(digit)] = digit;

/** Decodes lowercase hex into bytes. @throws {TypeError} on odd length or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array {
  // Decoded digit by digit into a Uint8Array of its own, which also checks the digits: Buffer.from(hex, 'hex') (then a
  // copy) took its bytes from Buffer's 8 KB pool, and at ~20 calls per synced block a new pool was allocated every few
  // blocks, a steady stream of garbage and of off-heap memory for the collector (3 % of a sync's event loop alone).
  const bytes = new Uint8Array(hex.length >>> 1);
  writeHex(bytes, 0, hex);
  return bytes;
}

/**
 * Writes lowercase hex as bytes into `target` at `offset` (encoders fill one buffer instead of concatenating copies).
 * @throws {TypeError} on odd length or non-hex characters. @throws {RangeError} when the bytes do not fit.
 */
export function writeHex(target: Uint8Array, offset: number, hex: string): void {
  if (hex.length % 2 !== 0) throw new TypeError('expected lowercase hex of even length');
  const length = hex.length / 2;
  if (offset < 0 || offset + length > target.length) throw new RangeError('the hex does not fit in the target');
  for (let i = 0; i < length; i++) {
    const high = hex.charCodeAt(2 * i);
    const low = hex.charCodeAt(2 * i + 1);
    const value = ((high < 128 ? NIBBLES[high]! : -1) << 4) | (low < 128 ? NIBBLES[low]! : -1);
    if (value < 0) throw new TypeError('expected lowercase hex of even length');
    target[offset + i] = value;
  }
}

/** Encodes bytes as lowercase hex. */
export function bytesToHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Writes a safe non-negative integer as 8 big-endian bytes. @throws {RangeError} outside 0..2^53-1. */
export function writeUint64(view: DataView, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a safe unsigned integer: ${value}`);
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value >>> 0);
}

/** Reads 8 big-endian bytes as a safe integer. @throws {RangeError} when the value exceeds 2^53-1. */
export function readUint64(view: DataView, offset: number): number {
  const high = view.getUint32(offset);
  const low = view.getUint32(offset + 4);
  const value = high * 2 ** 32 + low;
  if (high >= 2 ** 21) throw new RangeError('64-bit value exceeds 2^53-1');
  return value;
}

/** 32 zero bytes in hex: the genesis block's previous hash and the merkle root of no transactions. */
export const ZERO_HASH = '0'.repeat(64);
