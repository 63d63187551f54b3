import { bytesToHex, hexToBytes, isHex, readUint64, writeUint64 } from './hex.js';
import type { Block, BlockHeader, Transaction } from './types.js';
import { REWARD_SENDER } from './types.js';

/**
 * Byte layouts of the protocol (documented with test vectors in docs/PROTOCOL.md).
 *
 * Header, 85 bytes, big-endian; the proof comes last so a miner can hash the constant 77-byte prefix once:
 *   0 index u32 | 4 timestamp u64 | 12 previousHash 32 | 44 merkleRoot 32 | 76 difficulty u8 | 77 proof u64
 */
export const HEADER_BYTES = 85;
/** Offset of the proof inside the header encoding. */
export const HEADER_PROOF_OFFSET = 77;

/** Transaction payload, 81 bytes: kind u8 | sender 32 | recipient 32 | amount u64 | nonce u64. */
export const TRANSACTION_PAYLOAD_BYTES = 81;
/** Signature bytes stored after each payload in a block encoding (zeros for the reward). */
export const SIGNATURE_BYTES = 64;
/** A transaction as stored in a block: payload then signature. */
export const TRANSACTION_BYTES = TRANSACTION_PAYLOAD_BYTES + SIGNATURE_BYTES;

/** Transaction kinds: the first payload byte. */
export const TransactionKind = { reward: 0, transfer: 1 } as const;

/** Encodes a header into its 85-byte form. @throws {RangeError} when a field is out of range. */
export function encodeHeader(header: BlockHeader): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  if (!Number.isInteger(header.index) || header.index < 1 || header.index > 0xffffffff) {
    throw new RangeError('index must be an integer from 1 to 2^32-1');
  }
  if (!Number.isInteger(header.difficulty) || header.difficulty < 0 || header.difficulty > 255) {
    throw new RangeError('difficulty must be an integer from 0 to 255');
  }
  view.setUint32(0, header.index);
  writeUint64(view, 4, header.timestamp);
  bytes.set(hash32(header.previousHash, 'previousHash'), 12);
  bytes.set(hash32(header.merkleRoot, 'merkleRoot'), 44);
  view.setUint8(76, header.difficulty);
  writeUint64(view, HEADER_PROOF_OFFSET, header.proof);
  return bytes;
}

/** Decodes an 85-byte header. @throws {RangeError} on a wrong length or out-of-range field. */
export function decodeHeader(bytes: Uint8Array): BlockHeader {
  if (bytes.length !== HEADER_BYTES) throw new RangeError(`header must be ${HEADER_BYTES} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = view.getUint32(0);
  if (index < 1) throw new RangeError('index must be at least 1');
  return {
    index,
    timestamp: readUint64(view, 4),
    previousHash: bytesToHex(bytes.subarray(12, 44)),
    merkleRoot: bytesToHex(bytes.subarray(44, 76)),
    difficulty: view.getUint8(76),
    proof: readUint64(view, HEADER_PROOF_OFFSET),
  };
}

/**
 * Encodes the part of a transaction that its id and signature cover (81 bytes).
 * @throws {RangeError} when a field is out of range.
 */
export function encodeTransactionPayload(tx: Transaction): Uint8Array {
  const bytes = new Uint8Array(TRANSACTION_PAYLOAD_BYTES);
  const view = new DataView(bytes.buffer);
  const isReward = tx.sender === REWARD_SENDER;
  view.setUint8(0, isReward ? TransactionKind.reward : TransactionKind.transfer);
  if (!isReward) bytes.set(hash32(tx.sender, 'sender'), 1);
  bytes.set(hash32(tx.recipient, 'recipient'), 33);
  writeUint64(view, 65, tx.amount);
  writeUint64(view, 73, tx.nonce);
  return bytes;
}

/** Decodes a payload and its signature bytes. @throws {RangeError} on a malformed payload. */
export function decodeTransaction(payload: Uint8Array, signature: Uint8Array): Transaction {
  if (payload.length !== TRANSACTION_PAYLOAD_BYTES) throw new RangeError('transaction payload must be 81 bytes');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const kind = view.getUint8(0);
  if (kind !== TransactionKind.reward && kind !== TransactionKind.transfer) {
    throw new RangeError(`unknown transaction kind ${kind}`);
  }
  const isReward = kind === TransactionKind.reward;
  // Canonical-encoding rule: a reward has no sender and no signature, so those bytes must be zero; otherwise two
  // encodings would decode to the same block.
  if (isReward && payload.subarray(1, 33).some((b) => b !== 0))
    throw new RangeError('reward sender bytes must be zero');
  if (isReward && signature.some((b) => b !== 0)) throw new RangeError('reward signature bytes must be zero');
  return {
    sender: isReward ? REWARD_SENDER : bytesToHex(payload.subarray(1, 33)),
    recipient: bytesToHex(payload.subarray(33, 65)),
    amount: readUint64(view, 65),
    nonce: readUint64(view, 73),
    signature: isReward ? null : bytesToHex(signature),
  };
}

/** Size in bytes of a block's encoding with `transactionCount` transactions. */
export function encodedBlockSize(transactionCount: number): number {
  return HEADER_BYTES + 4 + transactionCount * TRANSACTION_BYTES;
}

/** Encodes a whole block: header | u32 transaction count | (payload | signature) per transaction. */
export function encodeBlock(block: Block): Uint8Array {
  const bytes = new Uint8Array(encodedBlockSize(block.transactions.length));
  const view = new DataView(bytes.buffer);
  bytes.set(encodeHeader(block.header), 0);
  view.setUint32(HEADER_BYTES, block.transactions.length);
  let offset = HEADER_BYTES + 4;
  for (const tx of block.transactions) {
    bytes.set(encodeTransactionPayload(tx), offset);
    if (tx.signature !== null) bytes.set(signature64(tx.signature), offset + TRANSACTION_PAYLOAD_BYTES);
    offset += TRANSACTION_BYTES;
  }
  return bytes;
}

/** Decodes a whole block. @throws {RangeError} when the bytes are not exactly one well-formed block. */
export function decodeBlock(bytes: Uint8Array): Block {
  if (bytes.length < HEADER_BYTES + 4) throw new RangeError('block encoding is too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(HEADER_BYTES);
  if (bytes.length !== encodedBlockSize(count)) throw new RangeError('block encoding length does not match its count');
  const transactions: Transaction[] = [];
  let offset = HEADER_BYTES + 4;
  for (let i = 0; i < count; i++) {
    const payload = bytes.subarray(offset, offset + TRANSACTION_PAYLOAD_BYTES);
    const signature = bytes.subarray(offset + TRANSACTION_PAYLOAD_BYTES, offset + TRANSACTION_BYTES);
    transactions.push(decodeTransaction(payload, signature));
    offset += TRANSACTION_BYTES;
  }
  return { header: decodeHeader(bytes.subarray(0, HEADER_BYTES)), transactions };
}

function hash32(hex: string, field: string): Uint8Array {
  if (!isHex(hex, 32)) throw new RangeError(`${field} must be 64 lowercase hex characters`);
  return hexToBytes(hex);
}

function signature64(hex: string): Uint8Array {
  if (!isHex(hex, 64)) throw new RangeError('signature must be 128 lowercase hex characters');
  return hexToBytes(hex);
}
