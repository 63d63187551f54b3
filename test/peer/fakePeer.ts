import type { Chain } from '../../src/chain/chain.js';
import type { Block, Transaction } from '../../src/chain/types.js';
import type { PeerApi, PeerChainStatus } from '../../src/peer/peerApi.js';

/** Ways a fake peer deviates from an honest one. */
export interface FakePeerBehaviour {
  /** Rewrites the status it reports. */
  readonly status?: (honest: PeerChainStatus) => PeerChainStatus;
  /** Rewrites each page of blocks it serves. */
  readonly blocks?: (honest: Block[]) => Block[];
  /** Throws this instead of answering. */
  readonly fail?: () => Error;
}

/** A peer served straight from a Chain (no HTTP), honest unless told how to lie; it records what it was sent. */
export class FakePeer implements PeerApi {
  calls = 0;
  readonly pushedBlocks: Array<{ block: Block; hash: string; from: string | null }> = [];
  readonly pushedTransactions: Transaction[] = [];
  readonly registered: string[] = [];

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

  async commonAncestor(locator: readonly string[]) {
    this.#call();
    const found = this.source.findLocatorMatch(locator);
    return found === undefined ? null : { index: found.block.header.index, hash: found.hash };
  }

  async blocksAfter(afterIndex: number, count: number): Promise<Block[]> {
    this.#call();
    const page: Block[] = [];
    for (let index = afterIndex + 1; index <= afterIndex + count && index <= this.source.height; index++) {
      page.push(this.source.getBlockAt(index)!.block);
    }
    return this.behaviour.blocks?.(page) ?? page;
  }

  async submitBlock(block: Block, hash: string, from: string | null) {
    this.#call();
    this.pushedBlocks.push({ block, hash, from });
    return 'EXTENDED';
  }

  /** Relay requests received through submitTransactions (each carries up to RELAY_BATCH transfers). */
  relayRequests = 0;

  async submitTransaction(tx: Transaction) {
    this.#call();
    this.pushedTransactions.push(tx);
    return 'TransactionAccepted';
  }

  /** The most relay requests that were in flight at once (each takes a timer's turn to answer, as a real one would). */
  maxRelaysInFlight = 0;
  #relaysInFlight = 0;

  async submitTransactions(txs: readonly Transaction[]) {
    this.#call();
    this.relayRequests += 1;
    this.pushedTransactions.push(...txs);
    this.maxRelaysInFlight = Math.max(this.maxRelaysInFlight, ++this.#relaysInFlight);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.#relaysInFlight--;
    return txs.map(() => 'TransactionAccepted');
  }

  async registerNodes(urls: readonly string[]) {
    this.#call();
    this.registered.push(...urls);
    return 'RegisterNodesSuccess';
  }

  #call(): void {
    this.calls++;
    const failure = this.behaviour.fail?.();
    if (failure !== undefined) throw failure;
  }
}
