import type { Block, Transaction } from '../chain/types.js';

/** A peer's view of its own chain, as it reports it (nothing here is trusted until its blocks validate). */
export interface PeerChainStatus {
  readonly address: string;
  readonly genesisHash: string;
  readonly height: number;
  readonly tipHash: string;
  /** Claimed cumulative work, a decimal string. */
  readonly totalWork: string;
}

/** What a peer answered to a pushed block or transaction: a status or a rejection code. */
export type PushOutcome = string;

/** What the node asks of a peer. Implemented over GraphQL by PeerClient; faked in tests. */
export interface PeerApi {
  readonly url: string;
  /** The peer's genesis, tip and claimed work (a few hundred bytes). */
  status(): Promise<PeerChainStatus>;
  /** The newest block of `locator` (best-chain hashes, newest first) on the peer's best chain, or null. */
  commonAncestor(locator: readonly string[]): Promise<{ index: number; hash: string } | null>;
  /** Best-chain blocks after `afterIndex`, at most `count` (the peer may send fewer), oldest first. */
  blocksAfter(afterIndex: number, count: number): Promise<Block[]>;
  /** Pushes a block (gossip); `from` is this node's public URL so the peer can sync back from us. */
  submitBlock(block: Block, hash: string, from: string | null): Promise<PushOutcome>;
  /** Relays a transaction. */
  submitTransaction(tx: Transaction): Promise<PushOutcome>;
  /** Relays several transactions in one request (at most RELAY_BATCH); the outcomes come in the same order. */
  submitTransactions(txs: readonly Transaction[]): Promise<PushOutcome[]>;
  /** Asks the peer to register `urls` (symmetric registration: we tell it our own public URL). */
  registerNodes(urls: readonly string[]): Promise<PushOutcome>;
}

/** Thrown when a peer answers with something that is not what the protocol promises. */
export class PeerProtocolError extends Error {
  override readonly name = 'PeerProtocolError';
}

/** Thrown by a PeerApi when the peer cannot be reached (connection refused, timeout). */
export class PeerUnreachableError extends Error {
  override readonly name = 'PeerUnreachableError';
}

/** How a failed contact counts against a peer: UNREACHABLE when it did not answer, else REFUSED as a protocol error. */
export function contactFailure(error: unknown): { status: 'UNREACHABLE' | 'REFUSED'; message: string } {
  if (error instanceof PeerUnreachableError) return { status: 'UNREACHABLE', message: error.message };
  return { status: 'REFUSED', message: `PROTOCOL_ERROR: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Most transfers one relay request carries. Each is one aliased `submitTransaction` field of a single mutation, so any
 * node that serves `submitTransaction` accepts it; 10 stays well under the default alias (20) and token limits.
 */
export const RELAY_BATCH = 10;
