import { graphql } from './gql/gql.js';

/**
 * Every operation of the typed client, one per query, mutation and subscription of schema.graphql. `npm run codegen`
 * turns them into TypedDocumentNodes in ./gql/, so each result and variable type comes from the committed schema.
 * Mutations that answer a union select `__typename` and the `Error` fields, which is what the client turns into a
 * discriminated `{ ok: true, ... } | { ok: false, code, message, field? }`.
 */

/** A refusal of a mutation (the schema's Error interface), with the argument an InvalidInputError names. */
export const RefusalFieldsFragmentDocument = graphql(`
  fragment RefusalFields on Error {
    code
    message
    ... on InvalidInputError {
      field
    }
  }
`);

/** A transaction, pending or confirmed, without its block. */
export const TransactionFieldsFragmentDocument = graphql(`
  fragment TransactionFields on Transaction {
    id
    sender
    recipient
    amount
    nonce
    signature
    isReward
    status
    blockIndex
    position
  }
`);

/** A block's header and standing, without its transactions (what block lists show). */
export const BlockHeaderFieldsFragmentDocument = graphql(`
  fragment BlockHeaderFields on Block {
    index
    hash
    previousHash
    merkleRoot
    timestamp
    difficulty
    proof
    size
    transactionCount
    totalWork
    confirmations
    isBest
  }
`);

/** A whole block: its header and every transaction. */
export const BlockFieldsFragmentDocument = graphql(`
  fragment BlockFields on Block {
    ...BlockHeaderFields
    transactions {
      ...TransactionFields
    }
  }
`);

/** A registered peer and how it last answered. */
export const PeerFieldsFragmentDocument = graphql(`
  fragment PeerFields on Peer {
    url
    status
    address
    genesisHash
    height
    lastSeen
    lastError
    failures
    retryAt
  }
`);

/** The node: identity, network, chain position and activity. */
export const ClientNodeDocument = graphql(`
  query ClientNode {
    node {
      address
      version
      networkName
      genesisHash
      height
      difficulty
      reward
      totalWork
      mining
      hashrate
      peerCount
      pendingTransactionCount
      tip {
        ...BlockHeaderFields
      }
    }
  }
`);

/** The best chain and one page of its blocks (headers). */
export const ClientChainDocument = graphql(`
  query ClientChain($first: Int, $after: String, $last: Int, $before: String) {
    chain {
      length
      totalWork
      genesis {
        hash
      }
      tip {
        ...BlockHeaderFields
      }
      blocks(first: $first, after: $after, last: $last, before: $before) {
        edges {
          cursor
          node {
            ...BlockHeaderFields
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`);

/** A best-chain block by index, with its transactions. */
export const ClientBlockByIndexDocument = graphql(`
  query ClientBlockByIndex($index: Int!) {
    block(index: $index) {
      ...BlockFields
    }
  }
`);

/** A block of any branch by hash, with its transactions. */
export const ClientBlockByHashDocument = graphql(`
  query ClientBlockByHash($hash: String!) {
    block(hash: $hash) {
      ...BlockFields
    }
  }
`);

/** A block of the fork tree: its header and standing, and how it reached the node. */
export const BlockTreeFieldsFragmentDocument = graphql(`
  fragment BlockTreeFields on Block {
    ...BlockHeaderFields
    firstSeenAt
    origin
    receivedFrom
  }
`);

/** Every stored block of an index range, side branches included (best first at each index). */
export const ClientBlockTreeDocument = graphql(`
  query ClientBlockTree($fromIndex: Int!, $toIndex: Int!) {
    blockTree(fromIndex: $fromIndex, toIndex: $toIndex) {
      ...BlockTreeFields
    }
  }
`);

/** A transaction by id, confirmed or pending. */
export const ClientTransactionDocument = graphql(`
  query ClientTransaction($id: ID!) {
    transaction(id: $id) {
      ...TransactionFields
    }
  }
`);

/** An account: balances, nonces and a page of its history (newest first). */
export const ClientAccountDocument = graphql(`
  query ClientAccount($address: String!, $first: Int, $before: Int) {
    account(address: $address) {
      address
      balance
      nonce
      pendingBalance
      pendingNonce
      transactionCount
      transactions(first: $first, before: $before) {
        ...TransactionFields
      }
    }
  }
`);

/** Only the nonce the next transfer must carry (what `sendSigned` reads before it signs). */
export const ClientPendingNonceDocument = graphql(`
  query ClientPendingNonce($address: String!) {
    account(address: $address) {
      pendingNonce
    }
  }
`);

/** The mempool, oldest first. */
export const ClientPendingTransactionsDocument = graphql(`
  query ClientPendingTransactions($first: Int) {
    pendingTransactions(first: $first) {
      ...TransactionFields
    }
  }
`);

/** The registered peers. */
export const ClientPeersDocument = graphql(`
  query ClientPeers {
    peers {
      ...PeerFields
    }
  }
`);

/** The request limits of the node. */
export const ClientLimitsDocument = graphql(`
  query ClientLimits {
    limits {
      adminTokenRequired
      maxAliases
      maxBodyBytes
      maxCost
      maxDepth
      maxEncodedBlocksPage
      maxLocatorLength
      maxPageSize
      maxSubscriptionsPerClient
      maxTokens
      rateLimitBurst
      rateLimitPerSecond
      requestTimeoutMs
      subscriptionBacklog
      trustedDocumentsOnly
    }
  }
`);

/** The newest block of a locator that is on the node's best chain. */
export const ClientCommonAncestorDocument = graphql(`
  query ClientCommonAncestor($locator: [String!]!) {
    commonAncestor(locator: $locator) {
      ...BlockHeaderFields
    }
  }
`);

/** Best-chain blocks after an index in their binary encoding (base64). */
export const ClientEncodedBlocksDocument = graphql(`
  query ClientEncodedBlocks($afterIndex: Int!, $first: Int) {
    chain {
      encodedBlocks(afterIndex: $afterIndex, first: $first)
    }
  }
`);

/** The node signs a transfer from its own wallet and queues it (admin). */
export const ClientSendDocument = graphql(`
  mutation ClientSend($recipient: String!, $amount: SafeInt!) {
    send(recipient: $recipient, amount: $amount) {
      __typename
      ... on TransactionAccepted {
        expectedBlockIndex
        transaction {
          ...TransactionFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Queues a transfer signed by the client. */
export const ClientSubmitTransactionDocument = graphql(`
  mutation ClientSubmitTransaction($input: TransactionInput!) {
    submitTransaction(input: $input) {
      __typename
      ... on TransactionAccepted {
        expectedBlockIndex
        transaction {
          ...TransactionFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Mines one block (admin). */
export const ClientMineDocument = graphql(`
  mutation ClientMine {
    mine {
      __typename
      ... on MineSuccess {
        block {
          ...BlockFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Starts continuous mining (admin). */
export const ClientStartMiningDocument = graphql(`
  mutation ClientStartMining {
    startMining {
      continuous
      mining
    }
  }
`);

/** Stops continuous mining after the block in progress (admin). */
export const ClientStopMiningDocument = graphql(`
  mutation ClientStopMining {
    stopMining {
      continuous
      mining
    }
  }
`);

/** Registers peers (admin). */
export const ClientRegisterNodesDocument = graphql(`
  mutation ClientRegisterNodes($urls: [String!]!) {
    registerNodes(urls: $urls) {
      __typename
      ... on RegisterNodesSuccess {
        added {
          ...PeerFields
        }
        peers {
          ...PeerFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Forgets peers (admin). */
export const ClientRemoveNodesDocument = graphql(`
  mutation ClientRemoveNodes($urls: [String!]!) {
    removeNodes(urls: $urls) {
      __typename
      ... on RemoveNodesSuccess {
        removed
        peers {
          ...PeerFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Syncs from every peer and keeps the valid chain with the most work (admin). */
export const ClientResolveDocument = graphql(`
  mutation ClientResolve {
    resolve {
      replaced
      chain {
        length
        totalWork
        tip {
          ...BlockHeaderFields
        }
      }
      peers {
        url
        outcome
        message
        blocksFetched
        peerHeight
      }
    }
  }
`);

/** Pushes a complete block, as peers do. */
export const ClientSubmitBlockDocument = graphql(`
  mutation ClientSubmitBlock($block: BlockInput!, $hash: String, $from: String) {
    submitBlock(block: $block, hash: $hash, from: $from) {
      __typename
      ... on SubmitBlockSuccess {
        status
        hash
        block {
          ...BlockHeaderFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** Each block that joins the best chain; with `afterIndex`, the best-chain blocks after it first. */
export const ClientNewBlockDocument = graphql(`
  subscription ClientNewBlock($afterIndex: Int) {
    newBlock(afterIndex: $afterIndex) {
      ...BlockFields
    }
  }
`);

/** About once a second while a block is being mined. */
export const ClientMiningProgressDocument = graphql(`
  subscription ClientMiningProgress {
    miningProgress {
      index
      difficulty
      hashrate
      tries
      elapsedMs
    }
  }
`);

/** Each switch of the best chain to another branch. */
export const ClientChainReorganizedDocument = graphql(`
  subscription ClientChainReorganized {
    chainReorganized {
      depth
      oldTip {
        ...BlockHeaderFields
      }
      newTip {
        ...BlockHeaderFields
      }
      connected {
        ...BlockHeaderFields
      }
      disconnected {
        ...BlockHeaderFields
      }
    }
  }
`);

/** Each time a peer is registered or its status, height or last error changes. */
export const ClientPeerChangedDocument = graphql(`
  subscription ClientPeerChanged {
    peerChanged {
      ...PeerFields
    }
  }
`);

/** What submitTransaction would answer, with nothing queued. */
export const ClientSimulateTransactionDocument = graphql(`
  query ClientSimulateTransaction($input: TransactionInput!) {
    simulateTransaction(input: $input) {
      __typename
      ... on TransactionSimulated {
        expectedBlockIndex
        transaction {
          ...TransactionFields
        }
      }
      ...RefusalFields
    }
  }
`);

/** A transaction's state now, then each change, until it has `confirmations` or is dropped. */
export const ClientTransactionStatusDocument = graphql(`
  subscription ClientTransactionStatus($id: ID!, $confirmations: Int) {
    transactionStatus(id: $id, confirmations: $confirmations) {
      id
      status
      confirmations
      blockIndex
      blockHash
      reason
    }
  }
`);

/** Each transfer the mempool accepts; with includeCurrent, the mempool first. */
export const ClientPendingTransactionDocument = graphql(`
  subscription ClientPendingTransaction($includeCurrent: Boolean) {
    pendingTransaction(includeCurrent: $includeCurrent) {
      ...TransactionFields
    }
  }
`);

/** Whether the node is syncing, and how far behind its best reachable peer it is. */
export const SyncStatusFieldsFragmentDocument = graphql(`
  fragment SyncStatusFields on SyncStatus {
    syncing
    height
    bestPeerHeight
    behind
    peersAhead
  }
`);

/** Whether the node is syncing and how far behind its best peer it is. */
export const ClientSyncStatusDocument = graphql(`
  query ClientSyncStatus {
    syncStatus {
      ...SyncStatusFields
    }
  }
`);

/** The sync status now, then each change. */
export const ClientSyncStatusChangesDocument = graphql(`
  subscription ClientSyncStatusChanges {
    syncStatus {
      ...SyncStatusFields
    }
  }
`);
