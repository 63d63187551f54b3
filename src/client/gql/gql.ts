/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment RefusalFields on Error {\n    code\n    message\n    ... on InvalidInputError {\n      field\n    }\n  }\n": typeof types.RefusalFieldsFragmentDoc,
    "\n  fragment TransactionFields on Transaction {\n    id\n    sender\n    recipient\n    amount\n    nonce\n    signature\n    isReward\n    status\n    blockIndex\n    position\n  }\n": typeof types.TransactionFieldsFragmentDoc,
    "\n  fragment BlockHeaderFields on Block {\n    index\n    hash\n    previousHash\n    merkleRoot\n    timestamp\n    difficulty\n    proof\n    size\n    transactionCount\n    totalWork\n    confirmations\n    isBest\n  }\n": typeof types.BlockHeaderFieldsFragmentDoc,
    "\n  fragment BlockFields on Block {\n    ...BlockHeaderFields\n    transactions {\n      ...TransactionFields\n    }\n  }\n": typeof types.BlockFieldsFragmentDoc,
    "\n  fragment PeerFields on Peer {\n    url\n    status\n    address\n    genesisHash\n    height\n    lastSeen\n    lastError\n    failures\n    retryAt\n  }\n": typeof types.PeerFieldsFragmentDoc,
    "\n  query ClientNode {\n    node {\n      address\n      version\n      networkName\n      genesisHash\n      height\n      difficulty\n      reward\n      totalWork\n      mining\n      hashrate\n      peerCount\n      pendingTransactionCount\n      tip {\n        ...BlockHeaderFields\n      }\n    }\n  }\n": typeof types.ClientNodeDocument,
    "\n  query ClientChain($first: Int, $after: String, $last: Int, $before: String) {\n    chain {\n      length\n      totalWork\n      genesis {\n        hash\n      }\n      tip {\n        ...BlockHeaderFields\n      }\n      blocks(first: $first, after: $after, last: $last, before: $before) {\n        edges {\n          cursor\n          node {\n            ...BlockHeaderFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ClientChainDocument,
    "\n  query ClientBlockByIndex($index: Int!) {\n    block(index: $index) {\n      ...BlockFields\n    }\n  }\n": typeof types.ClientBlockByIndexDocument,
    "\n  query ClientBlockByHash($hash: String!) {\n    block(hash: $hash) {\n      ...BlockFields\n    }\n  }\n": typeof types.ClientBlockByHashDocument,
    "\n  fragment BlockTreeFields on Block {\n    ...BlockHeaderFields\n    firstSeenAt\n    origin\n    receivedFrom\n  }\n": typeof types.BlockTreeFieldsFragmentDoc,
    "\n  query ClientBlockTree($fromIndex: Int!, $toIndex: Int!) {\n    blockTree(fromIndex: $fromIndex, toIndex: $toIndex) {\n      ...BlockTreeFields\n    }\n  }\n": typeof types.ClientBlockTreeDocument,
    "\n  query ClientTransaction($id: ID!) {\n    transaction(id: $id) {\n      ...TransactionFields\n    }\n  }\n": typeof types.ClientTransactionDocument,
    "\n  query ClientAccount($address: String!, $first: Int, $before: Int) {\n    account(address: $address) {\n      address\n      balance\n      nonce\n      pendingBalance\n      pendingNonce\n      transactionCount\n      transactions(first: $first, before: $before) {\n        ...TransactionFields\n      }\n    }\n  }\n": typeof types.ClientAccountDocument,
    "\n  query ClientPendingNonce($address: String!) {\n    account(address: $address) {\n      pendingNonce\n    }\n  }\n": typeof types.ClientPendingNonceDocument,
    "\n  query ClientPendingTransactions($first: Int) {\n    pendingTransactions(first: $first) {\n      ...TransactionFields\n    }\n  }\n": typeof types.ClientPendingTransactionsDocument,
    "\n  query ClientPeers {\n    peers {\n      ...PeerFields\n    }\n  }\n": typeof types.ClientPeersDocument,
    "\n  query ClientLimits {\n    limits {\n      adminTokenRequired\n      maxAliases\n      maxBodyBytes\n      maxCost\n      maxDepth\n      maxEncodedBlocksPage\n      maxLocatorLength\n      maxPageSize\n      maxSubscriptionsPerClient\n      maxTokens\n      rateLimitBurst\n      rateLimitPerSecond\n      requestTimeoutMs\n      subscriptionBacklog\n      trustedDocumentsOnly\n    }\n  }\n": typeof types.ClientLimitsDocument,
    "\n  query ClientCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      ...BlockHeaderFields\n    }\n  }\n": typeof types.ClientCommonAncestorDocument,
    "\n  query ClientEncodedBlocks($afterIndex: Int!, $first: Int) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n": typeof types.ClientEncodedBlocksDocument,
    "\n  mutation ClientSend($recipient: String!, $amount: SafeInt!) {\n    send(recipient: $recipient, amount: $amount) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientSendDocument,
    "\n  mutation ClientSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientSubmitTransactionDocument,
    "\n  mutation ClientMine {\n    mine {\n      __typename\n      ... on MineSuccess {\n        block {\n          ...BlockFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientMineDocument,
    "\n  mutation ClientStartMining {\n    startMining {\n      continuous\n      mining\n    }\n  }\n": typeof types.ClientStartMiningDocument,
    "\n  mutation ClientStopMining {\n    stopMining {\n      continuous\n      mining\n    }\n  }\n": typeof types.ClientStopMiningDocument,
    "\n  mutation ClientRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on RegisterNodesSuccess {\n        added {\n          ...PeerFields\n        }\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientRegisterNodesDocument,
    "\n  mutation ClientRemoveNodes($urls: [String!]!) {\n    removeNodes(urls: $urls) {\n      __typename\n      ... on RemoveNodesSuccess {\n        removed\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientRemoveNodesDocument,
    "\n  mutation ClientResolve {\n    resolve {\n      replaced\n      chain {\n        length\n        totalWork\n        tip {\n          ...BlockHeaderFields\n        }\n      }\n      peers {\n        url\n        outcome\n        message\n        blocksFetched\n        peerHeight\n      }\n    }\n  }\n": typeof types.ClientResolveDocument,
    "\n  mutation ClientSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n        hash\n        block {\n          ...BlockHeaderFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientSubmitBlockDocument,
    "\n  subscription ClientNewBlock($afterIndex: Int) {\n    newBlock(afterIndex: $afterIndex) {\n      ...BlockFields\n    }\n  }\n": typeof types.ClientNewBlockDocument,
    "\n  subscription ClientMiningProgress {\n    miningProgress {\n      index\n      difficulty\n      hashrate\n      tries\n      elapsedMs\n    }\n  }\n": typeof types.ClientMiningProgressDocument,
    "\n  subscription ClientChainReorganized {\n    chainReorganized {\n      depth\n      oldTip {\n        ...BlockHeaderFields\n      }\n      newTip {\n        ...BlockHeaderFields\n      }\n      connected {\n        ...BlockHeaderFields\n      }\n      disconnected {\n        ...BlockHeaderFields\n      }\n    }\n  }\n": typeof types.ClientChainReorganizedDocument,
    "\n  subscription ClientPeerChanged {\n    peerChanged {\n      ...PeerFields\n    }\n  }\n": typeof types.ClientPeerChangedDocument,
    "\n  query ClientSimulateTransaction($input: TransactionInput!) {\n    simulateTransaction(input: $input) {\n      __typename\n      ... on TransactionSimulated {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": typeof types.ClientSimulateTransactionDocument,
    "\n  subscription ClientTransactionStatus($id: ID!, $confirmations: Int) {\n    transactionStatus(id: $id, confirmations: $confirmations) {\n      id\n      status\n      confirmations\n      blockIndex\n      blockHash\n      reason\n    }\n  }\n": typeof types.ClientTransactionStatusDocument,
    "\n  subscription ClientPendingTransaction($includeCurrent: Boolean) {\n    pendingTransaction(includeCurrent: $includeCurrent) {\n      ...TransactionFields\n    }\n  }\n": typeof types.ClientPendingTransactionDocument,
    "\n  fragment SyncStatusFields on SyncStatus {\n    syncing\n    height\n    bestPeerHeight\n    behind\n    peersAhead\n  }\n": typeof types.SyncStatusFieldsFragmentDoc,
    "\n  query ClientSyncStatus {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n": typeof types.ClientSyncStatusDocument,
    "\n  subscription ClientSyncStatusChanges {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n": typeof types.ClientSyncStatusChangesDocument,
};
const documents: Documents = {
    "\n  fragment RefusalFields on Error {\n    code\n    message\n    ... on InvalidInputError {\n      field\n    }\n  }\n": types.RefusalFieldsFragmentDoc,
    "\n  fragment TransactionFields on Transaction {\n    id\n    sender\n    recipient\n    amount\n    nonce\n    signature\n    isReward\n    status\n    blockIndex\n    position\n  }\n": types.TransactionFieldsFragmentDoc,
    "\n  fragment BlockHeaderFields on Block {\n    index\n    hash\n    previousHash\n    merkleRoot\n    timestamp\n    difficulty\n    proof\n    size\n    transactionCount\n    totalWork\n    confirmations\n    isBest\n  }\n": types.BlockHeaderFieldsFragmentDoc,
    "\n  fragment BlockFields on Block {\n    ...BlockHeaderFields\n    transactions {\n      ...TransactionFields\n    }\n  }\n": types.BlockFieldsFragmentDoc,
    "\n  fragment PeerFields on Peer {\n    url\n    status\n    address\n    genesisHash\n    height\n    lastSeen\n    lastError\n    failures\n    retryAt\n  }\n": types.PeerFieldsFragmentDoc,
    "\n  query ClientNode {\n    node {\n      address\n      version\n      networkName\n      genesisHash\n      height\n      difficulty\n      reward\n      totalWork\n      mining\n      hashrate\n      peerCount\n      pendingTransactionCount\n      tip {\n        ...BlockHeaderFields\n      }\n    }\n  }\n": types.ClientNodeDocument,
    "\n  query ClientChain($first: Int, $after: String, $last: Int, $before: String) {\n    chain {\n      length\n      totalWork\n      genesis {\n        hash\n      }\n      tip {\n        ...BlockHeaderFields\n      }\n      blocks(first: $first, after: $after, last: $last, before: $before) {\n        edges {\n          cursor\n          node {\n            ...BlockHeaderFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n      }\n    }\n  }\n": types.ClientChainDocument,
    "\n  query ClientBlockByIndex($index: Int!) {\n    block(index: $index) {\n      ...BlockFields\n    }\n  }\n": types.ClientBlockByIndexDocument,
    "\n  query ClientBlockByHash($hash: String!) {\n    block(hash: $hash) {\n      ...BlockFields\n    }\n  }\n": types.ClientBlockByHashDocument,
    "\n  fragment BlockTreeFields on Block {\n    ...BlockHeaderFields\n    firstSeenAt\n    origin\n    receivedFrom\n  }\n": types.BlockTreeFieldsFragmentDoc,
    "\n  query ClientBlockTree($fromIndex: Int!, $toIndex: Int!) {\n    blockTree(fromIndex: $fromIndex, toIndex: $toIndex) {\n      ...BlockTreeFields\n    }\n  }\n": types.ClientBlockTreeDocument,
    "\n  query ClientTransaction($id: ID!) {\n    transaction(id: $id) {\n      ...TransactionFields\n    }\n  }\n": types.ClientTransactionDocument,
    "\n  query ClientAccount($address: String!, $first: Int, $before: Int) {\n    account(address: $address) {\n      address\n      balance\n      nonce\n      pendingBalance\n      pendingNonce\n      transactionCount\n      transactions(first: $first, before: $before) {\n        ...TransactionFields\n      }\n    }\n  }\n": types.ClientAccountDocument,
    "\n  query ClientPendingNonce($address: String!) {\n    account(address: $address) {\n      pendingNonce\n    }\n  }\n": types.ClientPendingNonceDocument,
    "\n  query ClientPendingTransactions($first: Int) {\n    pendingTransactions(first: $first) {\n      ...TransactionFields\n    }\n  }\n": types.ClientPendingTransactionsDocument,
    "\n  query ClientPeers {\n    peers {\n      ...PeerFields\n    }\n  }\n": types.ClientPeersDocument,
    "\n  query ClientLimits {\n    limits {\n      adminTokenRequired\n      maxAliases\n      maxBodyBytes\n      maxCost\n      maxDepth\n      maxEncodedBlocksPage\n      maxLocatorLength\n      maxPageSize\n      maxSubscriptionsPerClient\n      maxTokens\n      rateLimitBurst\n      rateLimitPerSecond\n      requestTimeoutMs\n      subscriptionBacklog\n      trustedDocumentsOnly\n    }\n  }\n": types.ClientLimitsDocument,
    "\n  query ClientCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      ...BlockHeaderFields\n    }\n  }\n": types.ClientCommonAncestorDocument,
    "\n  query ClientEncodedBlocks($afterIndex: Int!, $first: Int) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n": types.ClientEncodedBlocksDocument,
    "\n  mutation ClientSend($recipient: String!, $amount: SafeInt!) {\n    send(recipient: $recipient, amount: $amount) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientSendDocument,
    "\n  mutation ClientSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientSubmitTransactionDocument,
    "\n  mutation ClientMine {\n    mine {\n      __typename\n      ... on MineSuccess {\n        block {\n          ...BlockFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientMineDocument,
    "\n  mutation ClientStartMining {\n    startMining {\n      continuous\n      mining\n    }\n  }\n": types.ClientStartMiningDocument,
    "\n  mutation ClientStopMining {\n    stopMining {\n      continuous\n      mining\n    }\n  }\n": types.ClientStopMiningDocument,
    "\n  mutation ClientRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on RegisterNodesSuccess {\n        added {\n          ...PeerFields\n        }\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientRegisterNodesDocument,
    "\n  mutation ClientRemoveNodes($urls: [String!]!) {\n    removeNodes(urls: $urls) {\n      __typename\n      ... on RemoveNodesSuccess {\n        removed\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientRemoveNodesDocument,
    "\n  mutation ClientResolve {\n    resolve {\n      replaced\n      chain {\n        length\n        totalWork\n        tip {\n          ...BlockHeaderFields\n        }\n      }\n      peers {\n        url\n        outcome\n        message\n        blocksFetched\n        peerHeight\n      }\n    }\n  }\n": types.ClientResolveDocument,
    "\n  mutation ClientSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n        hash\n        block {\n          ...BlockHeaderFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientSubmitBlockDocument,
    "\n  subscription ClientNewBlock($afterIndex: Int) {\n    newBlock(afterIndex: $afterIndex) {\n      ...BlockFields\n    }\n  }\n": types.ClientNewBlockDocument,
    "\n  subscription ClientMiningProgress {\n    miningProgress {\n      index\n      difficulty\n      hashrate\n      tries\n      elapsedMs\n    }\n  }\n": types.ClientMiningProgressDocument,
    "\n  subscription ClientChainReorganized {\n    chainReorganized {\n      depth\n      oldTip {\n        ...BlockHeaderFields\n      }\n      newTip {\n        ...BlockHeaderFields\n      }\n      connected {\n        ...BlockHeaderFields\n      }\n      disconnected {\n        ...BlockHeaderFields\n      }\n    }\n  }\n": types.ClientChainReorganizedDocument,
    "\n  subscription ClientPeerChanged {\n    peerChanged {\n      ...PeerFields\n    }\n  }\n": types.ClientPeerChangedDocument,
    "\n  query ClientSimulateTransaction($input: TransactionInput!) {\n    simulateTransaction(input: $input) {\n      __typename\n      ... on TransactionSimulated {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n": types.ClientSimulateTransactionDocument,
    "\n  subscription ClientTransactionStatus($id: ID!, $confirmations: Int) {\n    transactionStatus(id: $id, confirmations: $confirmations) {\n      id\n      status\n      confirmations\n      blockIndex\n      blockHash\n      reason\n    }\n  }\n": types.ClientTransactionStatusDocument,
    "\n  subscription ClientPendingTransaction($includeCurrent: Boolean) {\n    pendingTransaction(includeCurrent: $includeCurrent) {\n      ...TransactionFields\n    }\n  }\n": types.ClientPendingTransactionDocument,
    "\n  fragment SyncStatusFields on SyncStatus {\n    syncing\n    height\n    bestPeerHeight\n    behind\n    peersAhead\n  }\n": types.SyncStatusFieldsFragmentDoc,
    "\n  query ClientSyncStatus {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n": types.ClientSyncStatusDocument,
    "\n  subscription ClientSyncStatusChanges {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n": types.ClientSyncStatusChangesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RefusalFields on Error {\n    code\n    message\n    ... on InvalidInputError {\n      field\n    }\n  }\n"): (typeof documents)["\n  fragment RefusalFields on Error {\n    code\n    message\n    ... on InvalidInputError {\n      field\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TransactionFields on Transaction {\n    id\n    sender\n    recipient\n    amount\n    nonce\n    signature\n    isReward\n    status\n    blockIndex\n    position\n  }\n"): (typeof documents)["\n  fragment TransactionFields on Transaction {\n    id\n    sender\n    recipient\n    amount\n    nonce\n    signature\n    isReward\n    status\n    blockIndex\n    position\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BlockHeaderFields on Block {\n    index\n    hash\n    previousHash\n    merkleRoot\n    timestamp\n    difficulty\n    proof\n    size\n    transactionCount\n    totalWork\n    confirmations\n    isBest\n  }\n"): (typeof documents)["\n  fragment BlockHeaderFields on Block {\n    index\n    hash\n    previousHash\n    merkleRoot\n    timestamp\n    difficulty\n    proof\n    size\n    transactionCount\n    totalWork\n    confirmations\n    isBest\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BlockFields on Block {\n    ...BlockHeaderFields\n    transactions {\n      ...TransactionFields\n    }\n  }\n"): (typeof documents)["\n  fragment BlockFields on Block {\n    ...BlockHeaderFields\n    transactions {\n      ...TransactionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PeerFields on Peer {\n    url\n    status\n    address\n    genesisHash\n    height\n    lastSeen\n    lastError\n    failures\n    retryAt\n  }\n"): (typeof documents)["\n  fragment PeerFields on Peer {\n    url\n    status\n    address\n    genesisHash\n    height\n    lastSeen\n    lastError\n    failures\n    retryAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientNode {\n    node {\n      address\n      version\n      networkName\n      genesisHash\n      height\n      difficulty\n      reward\n      totalWork\n      mining\n      hashrate\n      peerCount\n      pendingTransactionCount\n      tip {\n        ...BlockHeaderFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClientNode {\n    node {\n      address\n      version\n      networkName\n      genesisHash\n      height\n      difficulty\n      reward\n      totalWork\n      mining\n      hashrate\n      peerCount\n      pendingTransactionCount\n      tip {\n        ...BlockHeaderFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientChain($first: Int, $after: String, $last: Int, $before: String) {\n    chain {\n      length\n      totalWork\n      genesis {\n        hash\n      }\n      tip {\n        ...BlockHeaderFields\n      }\n      blocks(first: $first, after: $after, last: $last, before: $before) {\n        edges {\n          cursor\n          node {\n            ...BlockHeaderFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClientChain($first: Int, $after: String, $last: Int, $before: String) {\n    chain {\n      length\n      totalWork\n      genesis {\n        hash\n      }\n      tip {\n        ...BlockHeaderFields\n      }\n      blocks(first: $first, after: $after, last: $last, before: $before) {\n        edges {\n          cursor\n          node {\n            ...BlockHeaderFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          hasPreviousPage\n          startCursor\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientBlockByIndex($index: Int!) {\n    block(index: $index) {\n      ...BlockFields\n    }\n  }\n"): (typeof documents)["\n  query ClientBlockByIndex($index: Int!) {\n    block(index: $index) {\n      ...BlockFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientBlockByHash($hash: String!) {\n    block(hash: $hash) {\n      ...BlockFields\n    }\n  }\n"): (typeof documents)["\n  query ClientBlockByHash($hash: String!) {\n    block(hash: $hash) {\n      ...BlockFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BlockTreeFields on Block {\n    ...BlockHeaderFields\n    firstSeenAt\n    origin\n    receivedFrom\n  }\n"): (typeof documents)["\n  fragment BlockTreeFields on Block {\n    ...BlockHeaderFields\n    firstSeenAt\n    origin\n    receivedFrom\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientBlockTree($fromIndex: Int!, $toIndex: Int!) {\n    blockTree(fromIndex: $fromIndex, toIndex: $toIndex) {\n      ...BlockTreeFields\n    }\n  }\n"): (typeof documents)["\n  query ClientBlockTree($fromIndex: Int!, $toIndex: Int!) {\n    blockTree(fromIndex: $fromIndex, toIndex: $toIndex) {\n      ...BlockTreeFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientTransaction($id: ID!) {\n    transaction(id: $id) {\n      ...TransactionFields\n    }\n  }\n"): (typeof documents)["\n  query ClientTransaction($id: ID!) {\n    transaction(id: $id) {\n      ...TransactionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientAccount($address: String!, $first: Int, $before: Int) {\n    account(address: $address) {\n      address\n      balance\n      nonce\n      pendingBalance\n      pendingNonce\n      transactionCount\n      transactions(first: $first, before: $before) {\n        ...TransactionFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ClientAccount($address: String!, $first: Int, $before: Int) {\n    account(address: $address) {\n      address\n      balance\n      nonce\n      pendingBalance\n      pendingNonce\n      transactionCount\n      transactions(first: $first, before: $before) {\n        ...TransactionFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientPendingNonce($address: String!) {\n    account(address: $address) {\n      pendingNonce\n    }\n  }\n"): (typeof documents)["\n  query ClientPendingNonce($address: String!) {\n    account(address: $address) {\n      pendingNonce\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientPendingTransactions($first: Int) {\n    pendingTransactions(first: $first) {\n      ...TransactionFields\n    }\n  }\n"): (typeof documents)["\n  query ClientPendingTransactions($first: Int) {\n    pendingTransactions(first: $first) {\n      ...TransactionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientPeers {\n    peers {\n      ...PeerFields\n    }\n  }\n"): (typeof documents)["\n  query ClientPeers {\n    peers {\n      ...PeerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientLimits {\n    limits {\n      adminTokenRequired\n      maxAliases\n      maxBodyBytes\n      maxCost\n      maxDepth\n      maxEncodedBlocksPage\n      maxLocatorLength\n      maxPageSize\n      maxSubscriptionsPerClient\n      maxTokens\n      rateLimitBurst\n      rateLimitPerSecond\n      requestTimeoutMs\n      subscriptionBacklog\n      trustedDocumentsOnly\n    }\n  }\n"): (typeof documents)["\n  query ClientLimits {\n    limits {\n      adminTokenRequired\n      maxAliases\n      maxBodyBytes\n      maxCost\n      maxDepth\n      maxEncodedBlocksPage\n      maxLocatorLength\n      maxPageSize\n      maxSubscriptionsPerClient\n      maxTokens\n      rateLimitBurst\n      rateLimitPerSecond\n      requestTimeoutMs\n      subscriptionBacklog\n      trustedDocumentsOnly\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      ...BlockHeaderFields\n    }\n  }\n"): (typeof documents)["\n  query ClientCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      ...BlockHeaderFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientEncodedBlocks($afterIndex: Int!, $first: Int) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n"): (typeof documents)["\n  query ClientEncodedBlocks($afterIndex: Int!, $first: Int) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientSend($recipient: String!, $amount: SafeInt!) {\n    send(recipient: $recipient, amount: $amount) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientSend($recipient: String!, $amount: SafeInt!) {\n    send(recipient: $recipient, amount: $amount) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on TransactionAccepted {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientMine {\n    mine {\n      __typename\n      ... on MineSuccess {\n        block {\n          ...BlockFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientMine {\n    mine {\n      __typename\n      ... on MineSuccess {\n        block {\n          ...BlockFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientStartMining {\n    startMining {\n      continuous\n      mining\n    }\n  }\n"): (typeof documents)["\n  mutation ClientStartMining {\n    startMining {\n      continuous\n      mining\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientStopMining {\n    stopMining {\n      continuous\n      mining\n    }\n  }\n"): (typeof documents)["\n  mutation ClientStopMining {\n    stopMining {\n      continuous\n      mining\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on RegisterNodesSuccess {\n        added {\n          ...PeerFields\n        }\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on RegisterNodesSuccess {\n        added {\n          ...PeerFields\n        }\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientRemoveNodes($urls: [String!]!) {\n    removeNodes(urls: $urls) {\n      __typename\n      ... on RemoveNodesSuccess {\n        removed\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientRemoveNodes($urls: [String!]!) {\n    removeNodes(urls: $urls) {\n      __typename\n      ... on RemoveNodesSuccess {\n        removed\n        peers {\n          ...PeerFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientResolve {\n    resolve {\n      replaced\n      chain {\n        length\n        totalWork\n        tip {\n          ...BlockHeaderFields\n        }\n      }\n      peers {\n        url\n        outcome\n        message\n        blocksFetched\n        peerHeight\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ClientResolve {\n    resolve {\n      replaced\n      chain {\n        length\n        totalWork\n        tip {\n          ...BlockHeaderFields\n        }\n      }\n      peers {\n        url\n        outcome\n        message\n        blocksFetched\n        peerHeight\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ClientSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n        hash\n        block {\n          ...BlockHeaderFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  mutation ClientSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n        hash\n        block {\n          ...BlockHeaderFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientNewBlock($afterIndex: Int) {\n    newBlock(afterIndex: $afterIndex) {\n      ...BlockFields\n    }\n  }\n"): (typeof documents)["\n  subscription ClientNewBlock($afterIndex: Int) {\n    newBlock(afterIndex: $afterIndex) {\n      ...BlockFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientMiningProgress {\n    miningProgress {\n      index\n      difficulty\n      hashrate\n      tries\n      elapsedMs\n    }\n  }\n"): (typeof documents)["\n  subscription ClientMiningProgress {\n    miningProgress {\n      index\n      difficulty\n      hashrate\n      tries\n      elapsedMs\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientChainReorganized {\n    chainReorganized {\n      depth\n      oldTip {\n        ...BlockHeaderFields\n      }\n      newTip {\n        ...BlockHeaderFields\n      }\n      connected {\n        ...BlockHeaderFields\n      }\n      disconnected {\n        ...BlockHeaderFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ClientChainReorganized {\n    chainReorganized {\n      depth\n      oldTip {\n        ...BlockHeaderFields\n      }\n      newTip {\n        ...BlockHeaderFields\n      }\n      connected {\n        ...BlockHeaderFields\n      }\n      disconnected {\n        ...BlockHeaderFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientPeerChanged {\n    peerChanged {\n      ...PeerFields\n    }\n  }\n"): (typeof documents)["\n  subscription ClientPeerChanged {\n    peerChanged {\n      ...PeerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientSimulateTransaction($input: TransactionInput!) {\n    simulateTransaction(input: $input) {\n      __typename\n      ... on TransactionSimulated {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"): (typeof documents)["\n  query ClientSimulateTransaction($input: TransactionInput!) {\n    simulateTransaction(input: $input) {\n      __typename\n      ... on TransactionSimulated {\n        expectedBlockIndex\n        transaction {\n          ...TransactionFields\n        }\n      }\n      ...RefusalFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientTransactionStatus($id: ID!, $confirmations: Int) {\n    transactionStatus(id: $id, confirmations: $confirmations) {\n      id\n      status\n      confirmations\n      blockIndex\n      blockHash\n      reason\n    }\n  }\n"): (typeof documents)["\n  subscription ClientTransactionStatus($id: ID!, $confirmations: Int) {\n    transactionStatus(id: $id, confirmations: $confirmations) {\n      id\n      status\n      confirmations\n      blockIndex\n      blockHash\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientPendingTransaction($includeCurrent: Boolean) {\n    pendingTransaction(includeCurrent: $includeCurrent) {\n      ...TransactionFields\n    }\n  }\n"): (typeof documents)["\n  subscription ClientPendingTransaction($includeCurrent: Boolean) {\n    pendingTransaction(includeCurrent: $includeCurrent) {\n      ...TransactionFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SyncStatusFields on SyncStatus {\n    syncing\n    height\n    bestPeerHeight\n    behind\n    peersAhead\n  }\n"): (typeof documents)["\n  fragment SyncStatusFields on SyncStatus {\n    syncing\n    height\n    bestPeerHeight\n    behind\n    peersAhead\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ClientSyncStatus {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n"): (typeof documents)["\n  query ClientSyncStatus {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ClientSyncStatusChanges {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n"): (typeof documents)["\n  subscription ClientSyncStatusChanges {\n    syncStatus {\n      ...SyncStatusFields\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;