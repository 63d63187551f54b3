import type { Block } from '../chain/types.js';

/** A peer's view of its own chain, as it reports it (nothing here is trusted until its blocks validate). */
export interface PeerChainStatus {
  readonly address: string;
  readonly genesisHash: string;
  readonly height: number;
  readonly tipHash: string;
  /** Claimed cumulative work, a decimal string. */
  readonly totalWork: string;
}

/** A block as a peer served it, with the hash it claimed for it. */
export interface PeerBlock {
  readonly hash: string;
  readonly block: Block;
}

/** What the node asks of a peer. Implemented over GraphQL by PeerClient; faked in tests. */
export interface PeerApi {
  readonly url: string;
  /** The peer's genesis, tip and claimed work. */
  status(): Promise<PeerChainStatus>;
  /** Hashes of the peer's best-chain blocks with index in [fromIndex, fromIndex + count), ascending. */
  blockHashes(fromIndex: number, count: number): Promise<ReadonlyArray<{ index: number; hash: string }>>;
  /** Full best-chain blocks after index `afterIndex`, at most `count`, ascending. */
  blocksAfter(afterIndex: number, count: number): Promise<PeerBlock[]>;
}

/** Thrown when a peer answers with something that is not what the protocol promises. */
export class PeerProtocolError extends Error {
  override readonly name = 'PeerProtocolError';
}
