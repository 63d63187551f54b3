import type { Block, BlockInput } from './types.js';

/** The `submitBlock(block:)` input of a block read from a node: its header fields and transactions, nothing derived. */
export function blockInputOf(block: Block): BlockInput {
  return {
    index: block.index,
    timestamp: block.timestamp,
    previousHash: block.previousHash,
    merkleRoot: block.merkleRoot,
    difficulty: block.difficulty,
    proof: block.proof,
    transactions: block.transactions.map((tx) => ({
      sender: tx.sender,
      recipient: tx.recipient,
      amount: tx.amount,
      nonce: tx.nonce,
      signature: tx.signature,
    })),
  };
}
