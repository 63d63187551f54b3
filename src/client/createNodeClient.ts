import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphQLClient } from 'graphql-request';
import { classifyRequestFailure } from '../peer/requestFailure.js';
import { signTransfer, type Wallet } from '../wallet/wallet.js';
import {
  ClientAccountDocument,
  ClientBlockByHashDocument,
  ClientBlockByIndexDocument,
  ClientBlockTreeDocument,
  ClientChainDocument,
  ClientChainReorganizedDocument,
  ClientCommonAncestorDocument,
  ClientEncodedBlocksDocument,
  ClientLimitsDocument,
  ClientMineDocument,
  ClientMiningProgressDocument,
  ClientNewBlockDocument,
  ClientNodeDocument,
  ClientPeerChangedDocument,
  ClientPeersDocument,
  ClientPendingNonceDocument,
  ClientPendingTransactionDocument,
  ClientPendingTransactionsDocument,
  ClientRegisterNodesDocument,
  ClientRemoveNodesDocument,
  ClientResolveDocument,
  ClientSendDocument,
  ClientSimulateTransactionDocument,
  ClientStartMiningDocument,
  ClientStopMiningDocument,
  ClientSubmitBlockDocument,
  ClientSubmitTransactionDocument,
  ClientSyncStatusChangesDocument,
  ClientSyncStatusDocument,
  ClientTransactionDocument,
  ClientTransactionStatusDocument,
} from './documents.js';
import {
  graphQLErrorsError,
  type NodeClientError,
  NodePayloadTooLargeError,
  NodeRateLimitedError,
  NodeResponseError,
  NodeUnauthorizedError,
  NodeUnreachableError,
  TransactionDroppedError,
} from './errors.js';
import type { BlockAcceptance } from './gql/graphql.js';
import { type NodeSubscription, openSubscription } from './openSubscription.js';
import { type NodeResult, toNodeResult } from './result.js';
import type {
  Account,
  Block,
  BlockHeader,
  BlockInput,
  BlockTreeBlock,
  ChainPage,
  ChainPageRequest,
  ChainReorganization,
  Limits,
  MiningProgress,
  MiningStatus,
  NodeInfo,
  Peer,
  Resolution,
  SyncStatus,
  Transaction,
  TransactionInput,
  TransactionStatusUpdate,
} from './types.js';

/** Options of `createNodeClient`. */
export interface NodeClientOptions {
  /** The node's admin token (`--admin-token`), sent as a Bearer `Authorization` and over graphql-ws; '' is none. */
  readonly adminToken?: string;
  /** Longest a request may take, in ms (default 35,000: just over a node's default request limit of 30 s). */
  readonly timeoutMs?: number;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
  /** A WebSocket class for subscriptions (default: the `ws` package's, for Node). */
  readonly webSocketImpl?: unknown;
  /**
   * Read your writes across load-balanced nodes: every request carries `x-min-height` with the highest chain height
   * this client has seen in an answer (`extensions.chain`) or a confirmation, so no node answers from an older state
   * (a node that cannot catch up in time answers NODE_BEHIND, thrown as a NodeGraphQLError).
   */
  readonly readYourWrites?: boolean;
}

/** The chain state an answer was read from (`extensions.chain`). */
export interface ChainFreshness {
  readonly height: number;
  readonly tipHash: string;
}

/** What a transfer that the node accepted into its mempool looks like. */
export interface TransactionAccepted {
  /** The block it will join when blocks are mined from this node's mempool in order. */
  readonly expectedBlockIndex: number;
  readonly transaction: Transaction;
}

/** A transfer the node accepted and then confirmed: `status` is the last transactionStatus event. */
export interface TransactionConfirmed extends TransactionAccepted {
  readonly status: TransactionStatusUpdate;
}

/** Options of submitAndWait and sendAndWait. */
export interface WaitOptions {
  /** Confirmations to wait for (default 1). */
  readonly confirmations?: number;
  /** Called with every transactionStatus event (PENDING, each confirmation, a reorganization's PENDING). */
  readonly onStatus?: (status: TransactionStatusUpdate) => void;
}

/** A block of the best chain by `index`, or of any branch by `hash`. */
export type BlockSelector =
  | { readonly index: number; readonly hash?: never }
  | { readonly hash: string; readonly index?: never };

/** A typed client of one node's GraphQL API. Every method throws a NodeClientError when the request fails. */
export interface NodeClient {
  /** The node's GraphQL endpoint. */
  readonly url: string;

  /** The node: identity, network, height, tip, difficulty, mining state, peer and mempool counts. */
  node(): Promise<NodeInfo>;
  /** The best chain (length, work, tip) and one page of its block headers, oldest first. */
  chain(page?: ChainPageRequest): Promise<ChainPage>;
  /** The last `count` blocks of the best chain (headers, oldest first), 1 to 100. */
  lastBlocks(count: number): Promise<readonly BlockHeader[]>;
  /** One block with its transactions, by best-chain index or by hash; null when not found. */
  block(selector: BlockSelector): Promise<Block | null>;
  /**
   * Every block the node stores with `fromIndex ≤ index ≤ toIndex`, side branches included: by index, the best block
   * first at each index, then side blocks by hash. At most `limits.maxBlockTreeRange` (1,000) heights per call.
   */
  blockTree(fromIndex: number, toIndex: number): Promise<readonly BlockTreeBlock[]>;
  /** A transaction by id, pending or confirmed; null when unknown. */
  transaction(id: string): Promise<Transaction | null>;
  /** Balances, nonces and a page of the history of an address (newest first, default 20). */
  account(address: string, page?: { readonly first?: number; readonly before?: number }): Promise<Account>;
  /** The mempool, oldest first (default at most 100). */
  pendingTransactions(first?: number): Promise<readonly Transaction[]>;
  /** Registered peers and their status. */
  peers(): Promise<readonly Peer[]>;
  /** The request limits of the node (and whether admin mutations need a token). */
  limits(): Promise<Limits>;
  /** The newest block of a locator (hashes, newest first) on the node's best chain; null when none is. */
  commonAncestor(locator: readonly string[]): Promise<BlockHeader | null>;
  /** Best-chain blocks after `afterIndex` in their binary encoding, base64 (at most `first`, ≤ 1000). */
  encodedBlocks(afterIndex: number, first?: number): Promise<readonly string[]>;

  /** Queues a transfer signed by the client (public). */
  submitTransaction(input: TransactionInput): Promise<NodeResult<TransactionAccepted>>;
  /** What submitTransaction would answer (every refusal, the block it would join), with nothing queued. */
  simulateTransaction(input: TransactionInput): Promise<NodeResult<TransactionAccepted>>;
  /**
   * Submits a signed transfer and resolves once it has `confirmations` (default 1). A refusal resolves as one.
   * @throws {TransactionDroppedError} when the node drops it (e.g. a reorganization spent its coins).
   */
  submitAndWait(input: TransactionInput, options?: WaitOptions): Promise<NodeResult<TransactionConfirmed>>;
  /** `send` (admin: the node signs from its wallet), then waits like submitAndWait. */
  sendAndWait(recipient: string, amount: number, options?: WaitOptions): Promise<NodeResult<TransactionConfirmed>>;
  /**
   * Signs `amount` coins to `recipient` with `wallet` at the account's `pendingNonce` and submits it. Two calls for
   * one wallet must not overlap (both would read the same nonce; the second is refused with NONCE_MISMATCH).
   */
  sendSigned(wallet: Wallet, recipient: string, amount: number): Promise<NodeResult<TransactionAccepted>>;
  /** The node signs a transfer from its own wallet and queues it (admin). */
  send(recipient: string, amount: number): Promise<NodeResult<TransactionAccepted>>;
  /** Mines one block with the mempool's transactions and returns it (admin). */
  mine(): Promise<NodeResult<{ readonly block: Block }>>;
  /** Starts mining block after block (admin). */
  startMining(): Promise<MiningStatus>;
  /** Stops continuous mining after the block in progress (admin). */
  stopMining(): Promise<MiningStatus>;
  /** Registers peers: `host:port` or `http(s)://host:port[/graphql]` (admin). */
  registerNodes(
    urls: readonly string[],
  ): Promise<NodeResult<{ readonly added: readonly Peer[]; readonly peers: readonly Peer[] }>>;
  /** Forgets peers (admin). */
  removeNodes(
    urls: readonly string[],
  ): Promise<NodeResult<{ readonly removed: readonly string[]; readonly peers: readonly Peer[] }>>;
  /** Syncs from every peer and keeps the valid chain with the most work; reports each peer (admin). */
  resolve(): Promise<Resolution>;
  /** Pushes a complete block as a peer would (public). */
  submitBlock(
    block: BlockInput,
    options?: { readonly hash?: string; readonly from?: string },
  ): Promise<
    NodeResult<{ readonly status: BlockAcceptance; readonly hash: string; readonly block: BlockHeader | null }>
  >;

  /** Each block that joins the best chain; with `afterIndex`, first the best-chain blocks after it. */
  subscribeNewBlocks(options?: { readonly afterIndex?: number }): NodeSubscription<Block>;
  /** About once a second while the node mines a block. */
  subscribeMiningProgress(): NodeSubscription<MiningProgress>;
  /** Each reorganization of the best chain. */
  subscribeChainReorganized(): NodeSubscription<ChainReorganization>;
  /** Each registration or status change of a peer. */
  subscribePeerChanged(): NodeSubscription<Peer>;
  /** Whether the node is syncing and how far behind its best reachable peer it is. */
  syncStatus(): Promise<SyncStatus>;
  /** The sync status now, then each change. */
  subscribeSyncStatus(): NodeSubscription<SyncStatus>;
  /** The newest chain state an answer to this client came from (`extensions.chain`), or null before any. */
  lastSeenChain(): ChainFreshness | null;
  /** A transaction's state now, then each change, until it has `confirmations` (default 1) or is dropped. */
  subscribeTransactionStatus(
    id: string,
    options?: { readonly confirmations?: number },
  ): NodeSubscription<TransactionStatusUpdate>;
  /** Each transfer the mempool accepts; with includeCurrent, the mempool as it is first. */
  subscribePendingTransactions(options?: { readonly includeCurrent?: boolean }): NodeSubscription<Transaction>;
}

const DEFAULT_TIMEOUT_MS = 35_000;

/**
 * Creates a typed client of the node at `url` (its GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql), built on
 * graphql-request with the documents that codegen.ts generates from schema.graphql.
 * @throws {TypeError} when `url` is not an http(s) URL or `timeoutMs` is not a positive integer.
 */
export function createNodeClient(url: string, options: NodeClientOptions = {}): NodeClient {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/]+/.test(url)) {
    throw new TypeError(`url must be http(s)://host:port/graphql, got ${JSON.stringify(url)}`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  // An empty token (an unset variable passed through) means none.
  const adminToken = options.adminToken === '' ? undefined : options.adminToken;
  let lastSeen: ChainFreshness | null = null;
  /** The highest height this client knows the chain reached (answers and confirmations). */
  let heightSeen = 0;
  const saw = (chain: unknown) => {
    const { height, tipHash } = (chain ?? {}) as Partial<ChainFreshness>;
    if (typeof height !== 'number' || typeof tipHash !== 'string') return;
    if (lastSeen === null || height >= lastSeen.height) lastSeen = { height, tipHash };
    heightSeen = Math.max(heightSeen, height);
  };
  const graphQLClient = new GraphQLClient(url, {
    headers: () => ({
      ...(adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` }),
      ...(options.readYourWrites === true && heightSeen > 0 ? { 'x-min-height': String(heightSeen) } : {}),
    }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    responseMiddleware: (response) => {
      if ('extensions' in response) saw((response.extensions as { chain?: unknown } | undefined)?.chain);
    },
  });

  async function request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
  ): Promise<Result> {
    let data: Result;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      data = await graphQLClient.request<Result, Record<string, unknown>>({ document, variables, signal });
    } catch (error) {
      throw classifyRequestError(url, timeoutMs, error);
    }
    if (data === null || typeof data !== 'object') throw new NodeResponseError(url, 'an answer without data');
    return data;
  }

  const subscribe = <Result, Variables, Field extends keyof Result>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    field: Field,
  ) =>
    openSubscription(
      {
        url,
        document,
        variables,
        connectTimeoutMs: timeoutMs,
        ...(adminToken === undefined ? {} : { adminToken }),
        ...(options.webSocketImpl === undefined ? {} : { webSocketImpl: options.webSocketImpl }),
      },
      field,
    );

  const submitTransaction = async (input: TransactionInput) =>
    toNodeResult(
      url,
      (await request(ClientSubmitTransactionDocument, { input })).submitTransaction,
      'TransactionAccepted',
    );

  const subscribeTransactionStatus = (id: string, { confirmations }: { readonly confirmations?: number } = {}) =>
    subscribe(
      ClientTransactionStatusDocument,
      { id, ...(confirmations === undefined ? {} : { confirmations }) },
      'transactionStatus',
    );

  /** Follows an accepted transfer until it has the confirmations asked for. */
  const waitFor = async (
    accepted: NodeResult<TransactionAccepted>,
    options: WaitOptions,
  ): Promise<NodeResult<TransactionConfirmed>> => {
    if (!accepted.ok) return accepted;
    const confirmations = options.confirmations ?? 1;
    let last: TransactionStatusUpdate | undefined;
    for await (const status of subscribeTransactionStatus(accepted.transaction.id, { confirmations })) {
      last = status;
      options.onStatus?.(status);
    }
    if (last?.status === 'DROPPED') throw new TransactionDroppedError(last.id, last.reason ?? 'no reason given');
    if (last?.status !== 'CONFIRMED' || last.confirmations < confirmations) {
      throw new NodeResponseError(url, `transactionStatus ended before ${confirmations} confirmations`);
    }
    // The node had reached the confirming block's height plus its confirmations: later reads must see that much.
    heightSeen = Math.max(heightSeen, (last.blockIndex ?? 0) + last.confirmations - 1);
    return { ...accepted, status: last };
  };

  const send = async (recipient: string, amount: number) =>
    toNodeResult(url, (await request(ClientSendDocument, { recipient, amount })).send, 'TransactionAccepted');

  return {
    url,
    node: async () => (await request(ClientNodeDocument, {})).node,
    chain: async (page = {}) => {
      const { chain } = await request(ClientChainDocument, { ...page });
      return {
        length: chain.length,
        totalWork: chain.totalWork,
        genesisHash: chain.genesis.hash,
        tip: chain.tip,
        blocks: chain.blocks.edges.map((edge) => edge.node),
        pageInfo: chain.blocks.pageInfo,
      };
    },
    lastBlocks: async (count) =>
      (await request(ClientChainDocument, { last: count })).chain.blocks.edges.map((edge) => edge.node),
    block: async (selector) =>
      (selector.hash !== undefined
        ? await request(ClientBlockByHashDocument, { hash: selector.hash })
        : await request(ClientBlockByIndexDocument, { index: selector.index })
      ).block,
    blockTree: async (fromIndex, toIndex) => (await request(ClientBlockTreeDocument, { fromIndex, toIndex })).blockTree,
    transaction: async (id) => (await request(ClientTransactionDocument, { id })).transaction,
    account: async (address, page = {}) => (await request(ClientAccountDocument, { address, ...page })).account,
    pendingTransactions: async (first) =>
      (await request(ClientPendingTransactionsDocument, first === undefined ? {} : { first })).pendingTransactions,
    peers: async () => (await request(ClientPeersDocument, {})).peers,
    limits: async () => (await request(ClientLimitsDocument, {})).limits,
    commonAncestor: async (locator) =>
      (await request(ClientCommonAncestorDocument, { locator: [...locator] })).commonAncestor,
    encodedBlocks: async (afterIndex, first) =>
      (await request(ClientEncodedBlocksDocument, { afterIndex, ...(first === undefined ? {} : { first }) })).chain
        .encodedBlocks,

    submitTransaction,
    simulateTransaction: async (input) =>
      toNodeResult(
        url,
        (await request(ClientSimulateTransactionDocument, { input })).simulateTransaction,
        'TransactionSimulated',
      ),
    submitAndWait: async (input, options = {}) => waitFor(await submitTransaction(input), options),
    sendAndWait: async (recipient, amount, options = {}) => waitFor(await send(recipient, amount), options),
    sendSigned: async (wallet, recipient, amount) => {
      const { account } = await request(ClientPendingNonceDocument, { address: wallet.address });
      const { id: _id, ...input } = signTransfer(wallet, { recipient, amount, nonce: account.pendingNonce });
      return submitTransaction(input);
    },
    send,
    mine: async () => toNodeResult(url, (await request(ClientMineDocument, {})).mine, 'MineSuccess'),
    startMining: async () => (await request(ClientStartMiningDocument, {})).startMining,
    stopMining: async () => (await request(ClientStopMiningDocument, {})).stopMining,
    registerNodes: async (urls) =>
      toNodeResult(
        url,
        (await request(ClientRegisterNodesDocument, { urls: [...urls] })).registerNodes,
        'RegisterNodesSuccess',
      ),
    removeNodes: async (urls) =>
      toNodeResult(
        url,
        (await request(ClientRemoveNodesDocument, { urls: [...urls] })).removeNodes,
        'RemoveNodesSuccess',
      ),
    resolve: async () => (await request(ClientResolveDocument, {})).resolve,
    submitBlock: async (block, { hash, from } = {}) => {
      const variables = { block, ...(hash === undefined ? {} : { hash }), ...(from === undefined ? {} : { from }) };
      return toNodeResult(url, (await request(ClientSubmitBlockDocument, variables)).submitBlock, 'SubmitBlockSuccess');
    },

    subscribeNewBlocks: ({ afterIndex } = {}) =>
      subscribe(ClientNewBlockDocument, afterIndex === undefined ? {} : { afterIndex }, 'newBlock'),
    subscribeMiningProgress: () => subscribe(ClientMiningProgressDocument, {}, 'miningProgress'),
    subscribeChainReorganized: () => subscribe(ClientChainReorganizedDocument, {}, 'chainReorganized'),
    lastSeenChain: () => lastSeen,
    syncStatus: async () => (await request(ClientSyncStatusDocument, {})).syncStatus,
    subscribeSyncStatus: () => subscribe(ClientSyncStatusChangesDocument, {}, 'syncStatus'),
    subscribeTransactionStatus,
    subscribePendingTransactions: ({ includeCurrent } = {}) =>
      subscribe(
        ClientPendingTransactionDocument,
        includeCurrent === undefined ? {} : { includeCurrent },
        'pendingTransaction',
      ),
    subscribePeerChanged: () => subscribe(ClientPeerChangedDocument, {}, 'peerChanged'),
  };
}

/** Maps what graphql-request or fetch threw to the client's error classes. */
function classifyRequestError(url: string, timeoutMs: number, error: unknown): NodeClientError {
  const failure = classifyRequestFailure(error);
  switch (failure.kind) {
    case 'answer': {
      const { status, errors } = failure;
      const codes = errors.map((entry) => entry.extensions?.['code']);
      const firstMessage = errors[0]?.message;
      if (status === 401 || codes.includes('UNAUTHORIZED')) {
        return new NodeUnauthorizedError(url, firstMessage ?? 'HTTP 401: the admin token is missing or wrong');
      }
      if (status === 413 || codes.includes('PAYLOAD_TOO_LARGE')) {
        return new NodePayloadTooLargeError(url, firstMessage ?? 'HTTP 413: the request body is too large');
      }
      if (status === 429 && errors.length === 0) {
        return new NodeRateLimitedError(url, 'HTTP 429: too many requests', undefined, { cause: error });
      }
      if (errors.length > 0) return graphQLErrorsError(url, status, errors);
      return new NodeResponseError(url, `HTTP ${status} without GraphQL errors`, status, { cause: error });
    }
    case 'timeout':
      return new NodeUnreachableError(url, 'timeout', `no answer within ${timeoutMs} ms`, { cause: error });
    case 'connect': {
      const detail = failure.detail ?? (error as Error).message;
      return new NodeUnreachableError(url, 'connect', detail, { cause: error });
    }
    case 'other':
      return new NodeResponseError(url, failure.message, undefined, { cause: error });
  }
}
