import type { Chain } from '../../src/chain/chain.js';
import type { PeerApi, PeerBlock, PeerChainStatus } from '../../src/peer/peerApi.js';

/** Ways a fake peer deviates from an honest one. */
export interface FakePeerBehaviour {
  /** Rewrites the status it reports. */
  readonly status?: (honest: PeerChainStatus) => PeerChainStatus;
  /** Rewrites each page of blocks it serves. */
  readonly blocks?: (honest: PeerBlock[]) => PeerBlock[];
  /** Throws this instead of answering. */
  readonly fail?: () => Error;
}

/** A peer served straight from a Chain (no HTTP), honest unless told how to lie. */
export class FakePeer implements PeerApi {
  calls = 0;
  constructor(
    readonly url: string,
    private readonly source: Chain,
    private readonly behaviour: FakePeerBehaviour = {},
  ) {}

  async status(): Promise<PeerChainStatus> {
    this.#call();
    const honest: PeerChainStatus = {
      address: 'f'.repeat(64),
      genesisHash: this.source.genesis.hash,
      height: this.source.height,
      tipHash: this.source.tip.hash,
      totalWork: this.source.tip.totalWork.toString(),
    };
    return this.behaviour.status?.(honest) ?? honest;
  }

  async blockHashes(fromIndex: number, count: number) {
    this.#call();
    const hashes: Array<{ index: number; hash: string }> = [];
    for (let index = fromIndex; index < fromIndex + count && index <= this.source.height; index++) {
      hashes.push({ index, hash: this.source.getBlockAt(index)!.hash });
    }
    return hashes;
  }

  async blocksAfter(afterIndex: number, count: number): Promise<PeerBlock[]> {
    this.#call();
    const page: PeerBlock[] = [];
    for (let index = afterIndex + 1; index <= afterIndex + count && index <= this.source.height; index++) {
      const stored = this.source.getBlockAt(index)!;
      page.push({ hash: stored.hash, block: stored.block });
    }
    return this.behaviour.blocks?.(page) ?? page;
  }

  #call(): void {
    this.calls++;
    const failure = this.behaviour.fail?.();
    if (failure !== undefined) throw failure;
  }
}
