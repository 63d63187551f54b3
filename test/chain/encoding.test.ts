import { describe, expect, it } from 'vitest';
import {
  decodeBlock,
  decodeHeader,
  decodeTransaction,
  encodeBlock,
  encodedBlockSize,
  encodeHeader,
  encodeTransactionPayload,
  HEADER_BYTES,
  HEADER_PROOF_OFFSET,
  SIGNATURE_BYTES,
  TRANSACTION_BYTES,
  TRANSACTION_PAYLOAD_BYTES,
} from '../../src/chain/encoding.js';
import { bytesToHex, hexToBytes, isHex, readUint64, writeUint64, ZERO_HASH } from '../../src/chain/hex.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import type { Block, BlockHeader } from '../../src/chain/types.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob } from '../helpers/keys.js';

// The byte layouts of docs/PROTOCOL.md: fixed-size, big-endian, canonical (one encoding per value).

const header: BlockHeader = {
  index: 0x01020304,
  timestamp: 0x0000_0506_0708_090a,
  previousHash: '11'.repeat(32),
  merkleRoot: '22'.repeat(32),
  difficulty: 0x33,
  proof: 0x0000_4445_4647_4849,
};

describe('header encoding', () => {
  it('lays the header out in 85 bytes: index, timestamp, previousHash, merkleRoot, difficulty, proof last', () => {
    const bytes = encodeHeader(header);
    expect(bytes.length).toBe(HEADER_BYTES);
    expect(HEADER_BYTES).toBe(85);
    expect(HEADER_PROOF_OFFSET).toBe(77);
    expect(bytesToHex(bytes.subarray(0, 4))).toBe('01020304');
    expect(bytesToHex(bytes.subarray(4, 12))).toBe('000005060708090a');
    expect(bytesToHex(bytes.subarray(12, 44))).toBe(header.previousHash);
    expect(bytesToHex(bytes.subarray(44, 76))).toBe(header.merkleRoot);
    expect(bytes[76]).toBe(0x33);
    expect(bytesToHex(bytes.subarray(77, 85))).toBe('0000444546474849');
  });

  it('decodes what it encodes', () => {
    expect(decodeHeader(encodeHeader(header))).toEqual(header);
  });

  it.each([
    ['index 0', { index: 0 }],
    ['index 2^32', { index: 2 ** 32 }],
    ['a fractional index', { index: 1.5 }],
    ['difficulty 256', { difficulty: 256 }],
    ['a negative difficulty', { difficulty: -1 }],
    ['a negative timestamp', { timestamp: -1 }],
    ['a proof above 2^53-1', { proof: 2 ** 53 }],
    ['an uppercase previousHash', { previousHash: 'AB'.repeat(32) }],
    ['a 31-byte merkleRoot', { merkleRoot: 'ab'.repeat(31) }],
  ])('refuses to encode a header with %s (RangeError)', (_label, change) => {
    expect(() => encodeHeader({ ...header, ...change })).toThrow(RangeError);
  });

  it('refuses to decode a header of the wrong length, with index 0, or with a value above 2^53-1', () => {
    const bytes = encodeHeader(header);
    expect(() => decodeHeader(bytes.subarray(0, 84))).toThrow(RangeError);
    const zeroIndex = bytes.slice();
    zeroIndex.set([0, 0, 0, 0], 0);
    expect(() => decodeHeader(zeroIndex)).toThrow(RangeError);
    const hugeProof = bytes.slice();
    hugeProof[HEADER_PROOF_OFFSET] = 0x00;
    hugeProof[HEADER_PROOF_OFFSET + 1] = 0x20; // 2^53
    expect(() => decodeHeader(hugeProof)).toThrow(RangeError);
  });

  it('decodes a header inside a larger buffer at an offset', () => {
    const bytes = new Uint8Array(HEADER_BYTES + 7);
    bytes.set(encodeHeader(header), 7);
    expect(decodeHeader(bytes.subarray(7))).toEqual(header);
  });
});

describe('transaction encoding', () => {
  it('lays a transfer payload out in 81 bytes: kind 1, sender, recipient, amount, nonce', () => {
    const tx = transfer(alice, bob, 0x0102, 0x0304);
    const bytes = encodeTransactionPayload(tx);
    expect(bytes.length).toBe(TRANSACTION_PAYLOAD_BYTES);
    expect(bytes[0]).toBe(1);
    expect(bytesToHex(bytes.subarray(1, 33))).toBe(alice.address);
    expect(bytesToHex(bytes.subarray(33, 65))).toBe(bob.address);
    expect(bytesToHex(bytes.subarray(65, 73))).toBe('0000000000000102');
    expect(bytesToHex(bytes.subarray(73, 81))).toBe('0000000000000304');
  });

  it('encodes the reward with kind 0 and zero sender bytes', () => {
    const bytes = encodeTransactionPayload(createRewardTransaction(7, bob.address, 1));
    expect(bytes[0]).toBe(0);
    expect(bytes.subarray(1, 33).every((b) => b === 0)).toBe(true);
    expect(decodeTransaction(bytes, new Uint8Array(SIGNATURE_BYTES))).toEqual(
      createRewardTransaction(7, bob.address, 1),
    );
  });

  it('decodes a transfer with its signature', () => {
    const tx = transfer(alice, bob, 5, 2);
    expect(decodeTransaction(encodeTransactionPayload(tx), hexToBytes(tx.signature!))).toEqual(tx);
  });

  it('refuses an unknown kind, and a reward with sender or signature bytes (non-canonical encodings)', () => {
    const reward = encodeTransactionPayload(createRewardTransaction(7, bob.address, 1));
    const zeros = new Uint8Array(SIGNATURE_BYTES);
    const unknownKind = reward.slice();
    unknownKind[0] = 2;
    expect(() => decodeTransaction(unknownKind, zeros)).toThrow(/kind/);
    const withSender = reward.slice();
    withSender[5] = 1;
    expect(() => decodeTransaction(withSender, zeros)).toThrow(/sender/);
    const signature = zeros.slice();
    signature[63] = 1;
    expect(() => decodeTransaction(reward, signature)).toThrow(/signature/);
    expect(() => decodeTransaction(reward.subarray(1), zeros)).toThrow(RangeError);
  });

  it.each([
    ['a zero-padded sender', { sender: '00' }],
    ['an uppercase recipient', { recipient: bob.address.toUpperCase() }],
    ['a negative amount', { amount: -1 }],
    ['a fractional nonce', { nonce: 0.5 }],
  ])('refuses to encode a payload with %s (RangeError)', (_label, change) => {
    expect(() => encodeTransactionPayload({ ...transfer(alice, bob, 1, 0), ...change })).toThrow(RangeError);
  });
});

describe('block encoding', () => {
  const block: Block = {
    header: { ...header, index: 2 },
    transactions: [createRewardTransaction(2, alice.address, 1), transfer(alice, bob, 1, 0)],
  };

  it('lays a block out as header, u32 count, then payload and signature per transaction', () => {
    const bytes = encodeBlock(block);
    expect(bytes.length).toBe(encodedBlockSize(2));
    expect(encodedBlockSize(2)).toBe(85 + 4 + 2 * 145);
    expect(TRANSACTION_BYTES).toBe(145);
    expect(bytesToHex(bytes.subarray(85, 89))).toBe('00000002');
    const second = 89 + TRANSACTION_BYTES;
    expect(bytes.subarray(89 + 81, second).every((b) => b === 0)).toBe(true);
    expect(bytesToHex(bytes.subarray(second + 81, second + 145))).toBe(block.transactions[1]!.signature);
    expect(decodeBlock(bytes)).toEqual(block);
  });

  it('refuses a truncated block, trailing bytes, and a count that does not match the length', () => {
    const bytes = encodeBlock(block);
    expect(() => decodeBlock(bytes.subarray(0, 88))).toThrow(/too short/);
    expect(() => decodeBlock(bytes.subarray(0, bytes.length - 1))).toThrow(/length/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeBlock(longer)).toThrow(/length/);
    const miscounted = bytes.slice();
    miscounted[88] = 3;
    expect(() => decodeBlock(miscounted)).toThrow(/length/);
  });

  it('refuses to encode a transfer whose signature is not 128 lowercase hex characters', () => {
    const bad = { ...block, transactions: [block.transactions[0]!, { ...block.transactions[1]!, signature: 'ab' }] };
    expect(() => encodeBlock(bad)).toThrow(RangeError);
  });
});

describe('hex helpers', () => {
  it('accepts only lowercase hex of the exact byte length', () => {
    expect(isHex('ab'.repeat(32), 32)).toBe(true);
    expect(isHex('AB'.repeat(32), 32)).toBe(false);
    expect(isHex('ab'.repeat(31), 32)).toBe(false);
    expect(isHex(42, 1)).toBe(false);
    expect(ZERO_HASH).toBe('0'.repeat(64));
  });

  it('round-trips bytes and refuses odd-length or non-hex text', () => {
    expect(bytesToHex(hexToBytes('00ff10'))).toBe('00ff10');
    expect(() => hexToBytes('abc')).toThrow(TypeError);
    expect(() => hexToBytes('zz')).toThrow(TypeError);
    expect(() => hexToBytes('AB')).toThrow(TypeError);
  });

  it('writes and reads 64-bit big-endian integers up to 2^53-1 only', () => {
    const view = new DataView(new ArrayBuffer(8));
    writeUint64(view, 0, Number.MAX_SAFE_INTEGER);
    expect(readUint64(view, 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => writeUint64(view, 0, 2 ** 53)).toThrow(RangeError);
    expect(() => writeUint64(view, 0, -1)).toThrow(RangeError);
    view.setUint32(0, 2 ** 21);
    expect(() => readUint64(view, 0)).toThrow(RangeError);
  });
});
