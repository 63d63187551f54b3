import { describe, expect, it } from 'vitest';
import { blockWork, leadingZeroBits, leadingZeroBitsOfBytes, meetsDifficulty } from '../../src/chain/pow.js';

// Proof of work: the block hash (SHA-256 of the header) has at least `difficulty` leading zero bits; a block's work
// is 2^difficulty, the expected number of tries.

describe('proof of work', () => {
  it('counts leading zero bits of a hex hash', () => {
    expect(leadingZeroBits(`f${'0'.repeat(63)}`)).toBe(0);
    expect(leadingZeroBits(`8${'0'.repeat(63)}`)).toBe(0);
    expect(leadingZeroBits(`7${'0'.repeat(63)}`)).toBe(1);
    expect(leadingZeroBits(`1${'0'.repeat(63)}`)).toBe(3);
    expect(leadingZeroBits(`001${'0'.repeat(61)}`)).toBe(11);
    expect(leadingZeroBits(`0000ff${'0'.repeat(58)}`)).toBe(16);
    expect(leadingZeroBits('0'.repeat(64))).toBe(256);
  });

  it('counts leading zero bits of a hash as bytes, as of its hex', () => {
    expect(leadingZeroBitsOfBytes(Uint8Array.of(0xff, 0))).toBe(0);
    expect(leadingZeroBitsOfBytes(Uint8Array.of(0, 0x10, 0xff))).toBe(11);
    expect(leadingZeroBitsOfBytes(new Uint8Array(32))).toBe(256);
    expect(leadingZeroBitsOfBytes(new Uint8Array(0))).toBe(0);
    for (const hex of [`7f${'0'.repeat(62)}`, `0000ff${'0'.repeat(58)}`, `000001${'f'.repeat(58)}`]) {
      expect(leadingZeroBitsOfBytes(Buffer.from(hex, 'hex'))).toBe(leadingZeroBits(hex));
    }
  });

  it('refuses a hash that is not lowercase hex rather than miscounting it', () => {
    expect(() => leadingZeroBits(`0g${'0'.repeat(62)}`)).toThrow(TypeError);
    expect(() => leadingZeroBits('0'.repeat(63))).toThrow(TypeError);
  });

  it('meets a difficulty with at least that many leading zero bits', () => {
    const hash = `000f${'f'.repeat(60)}`; // 12 bits
    expect(meetsDifficulty(hash, 12)).toBe(true);
    expect(meetsDifficulty(hash, 13)).toBe(false);
    expect(meetsDifficulty(hash, 0)).toBe(true);
  });

  it("counts a block's work as 2^difficulty", () => {
    expect(blockWork(0)).toBe(1n);
    expect(blockWork(8)).toBe(256n);
    expect(blockWork(16)).toBe(65_536n);
    expect(blockWork(255)).toBe(1n << 255n);
  });
});
