import { bytesToHex, isHex, readUint64, writeHex, writeUint64 } from './hex.js';
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
  writeHeader(header, bytes, new DataView(bytes.buffer), 0);
  return bytes;
}

/** Writes a header's 85 bytes at `offset` of `bytes` (`view` over the same buffer). */
function writeHeader(header: BlockHeader, bytes: Uint8Array, view: DataView, offset: number): void {
  if (!Number.isInteger(header.index) || header.index < 1 || header.index > 0xffffffff) {
    throw new RangeError('index must be an integer from 1 to 2^32-1');
  }
  if (!Number.isInteger(header.difficulty) || header.difficulty < 0 || header.difficulty > 255) {
    throw new RangeError('difficulty must be an integer from 0 to 255');
  }
  view.setUint32(offset, header.index);
  writeUint64(view, offset + 4, header.timestamp);
  writeHash32(bytes, offset + 12, header.previousHash, 'previousHash');
  writeHash32(bytes, offset + 44, header.merkleRoot, 'merkleRoot');
  view.setUint8(offset + 76, header.difficulty);
  writeUint64(view, offset + HEADER_PROOF_OFFSET, header.proof);
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
  writeTransactionPayload(tx, bytes, new DataView(bytes.buffer), 0);
  return bytes;
}

/** Writes a transaction's 81-byte payload at `offset` of `bytes` (`view` over the same buffer). */
function writeTransactionPayload(tx: Transaction, bytes: Uint8Array, view: DataView, offset: number): void {
  const isReward = tx.sender === REWARD_SENDER;
  view.setUint8(offset, isReward ? TransactionKind.reward : TransactionKind.transfer);
  if (isReward) bytes.fill(0, offset + 1, offset + 33);
  else writeHash32(bytes, offset + 1, tx.sender, 'sender');
  writeHash32(bytes, offset + 33, tx.recipient, 'recipient');
  writeUint64(view, offset + 65, tx.amount);
  writeUint64(view, offset + 73, tx.nonce);
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
  writeBlock(block, bytes, 0);
  return bytes;
}

/**
 * Writes a block's encoding (encodedBlockSize bytes) at `offset` of `target`, in place: the store's record embeds it
 * without a copy of its own. @throws {RangeError} when a field is out of range or the block does not fit.
 */
export function writeBlock(block: Block, target: Uint8Array, offset: number): void {
  if (offset < 0 || offset + encodedBlockSize(block.transactions.length) > target.length) {
    throw new RangeError('the block does not fit in the target');
  }
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  writeHeader(block.header, target, view, offset);
  view.setUint32(offset + HEADER_BYTES, block.transactions.length);
  let at = offset + HEADER_BYTES + 4;
  for (const tx of block.transactions) {
    writeTransactionPayload(tx, target, view, at);
    if (tx.signature === null) target.fill(0, at + TRANSACTION_PAYLOAD_BYTES, at + TRANSACTION_BYTES);
    else {
      if (!isHex(tx.signature, 64)) throw new RangeError('signature must be 128 lowercase hex characters');
      writeHex(target, at + TRANSACTION_PAYLOAD_BYTES, tx.signature);
    }
    at += TRANSACTION_BYTES;
  }
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

function writeHash32(bytes: Uint8Array, offset: number, hex: string, field: string): void {
  if (!isHex(hex, 32)) throw new RangeError(`${field} must be 64 lowercase hex characters`);
  writeHex(bytes, offset, hex);
}
