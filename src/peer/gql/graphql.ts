/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** What the node did with a valid submitted block. */
export type BlockAcceptance =
  /** Already known. */
  | 'DUPLICATE'
  /** It extends the best chain and is the new tip. */
  | 'EXTENDED'
  /** Its parent is unknown here; nothing was stored. Sync from the sender. */
  | 'ORPHAN'
  /** It completes a branch with more work; the best chain switched to it. */
  | 'REORGANIZED'
  /** Valid and stored on a branch with no more work than the best chain. */
  | 'SIDE';

/** A complete block as peers push it (see `Block` for the meaning of each field). */
export type BlockInput = {
  /** Leading zero bits the hash must have. */
  difficulty: number;
  /** Height; the parent's index + 1. */
  index: number;
  /** Merkle root over the transaction ids. */
  merkleRoot: string;
  /** Hash of the parent block, 64 hex characters. */
  previousHash: string;
  /** The proof-of-work nonce. */
  proof: number;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /** Transactions in block order; the first must be the reward. */
  transactions: Array<BlockTransactionInput>;
};

/** A transaction inside a submitted block. The reward has sender "0" and no signature. */
export type BlockTransactionInput = {
  /** Coins moved. */
  amount: number;
  /** Sender's nonce; the block index for the reward. */
  nonce: number;
  /** Recipient address. */
  recipient: string;
  /** Sender address, or "0" for the reward. */
  sender: string;
  /** Ed25519 signature; null for the reward. */
  signature?: string | null | undefined;
};

/** Stable machine-readable failure codes. Block and transaction codes are named after the consensus rule that failed (see docs/PROTOCOL.md); INVALID_INPUT means an argument is malformed; NOT_STORED means the node could not write an accepted transaction to its store, so it was not queued. */
export type ErrorCode =
  | 'ALREADY_KNOWN'
  | 'BLOCK_TOO_LARGE'
  | 'BROKEN_LINK'
  | 'DIFFICULTY_MISMATCH'
  | 'DUPLICATE_TRANSACTION'
  | 'GENESIS_MISMATCH'
  | 'HASH_MISMATCH'
  | 'INDEX_NOT_PARENT_PLUS_ONE'
  | 'INSUFFICIENT_BALANCE'
  | 'INSUFFICIENT_PROOF_OF_WORK'
  | 'INVALID_ADDRESS'
  | 'INVALID_AMOUNT'
  | 'INVALID_INPUT'
  | 'INVALID_NONCE'
  | 'INVALID_REWARD_AMOUNT'
  | 'INVALID_REWARD_NONCE'
  | 'INVALID_SIGNATURE'
  | 'MALFORMED_BLOCK'
  | 'MALFORMED_TRANSACTION'
  | 'MEMPOOL_FULL'
  | 'MERKLE_ROOT_MISMATCH'
  | 'MINING_FAILED'
  | 'MISSING_REWARD'
  | 'NONCE_MISMATCH'
  | 'NOT_STORED'
  | 'REWARD_NOT_ALLOWED'
  | 'REWARD_NOT_FIRST'
  | 'TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST'
  | 'TIMESTAMP_TOO_FAR_IN_FUTURE'
  | 'TOO_MANY_TRANSACTIONS';

/** A transfer signed outside the node. Sign the 81-byte canonical encoding (docs/PROTOCOL.md) with the sender's Ed25519 key, e.g. with `signTransfer` from src/wallet/wallet.ts. */
export type TransactionInput = {
  /** Positive integer number of coins. */
  amount: number;
  /** The sender's next nonce: `account(address) { pendingNonce }`. */
  nonce: number;
  /** Recipient's address. */
  recipient: string;
  /** Sender's address (hex Ed25519 public key). */
  sender: string;
  /** Ed25519 signature, 128 hex characters. */
  signature: string;
};

export type PeerStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type PeerStatusQuery = { node: { address: string, genesisHash: string, height: number, totalWork: string, tip: { hash: string } } };

export type PeerCommonAncestorQueryVariables = Exact<{
  locator: Array<string> | string;
}>;


export type PeerCommonAncestorQuery = { commonAncestor: { index: number, hash: string } | null };

export type PeerEncodedBlocksQueryVariables = Exact<{
  afterIndex: number;
  first: number;
}>;


export type PeerEncodedBlocksQuery = { chain: { encodedBlocks: Array<string> } };

export type PeerSubmitBlockMutationVariables = Exact<{
  block: BlockInput;
  hash?: string | null | undefined;
  from?: string | null | undefined;
}>;


export type PeerSubmitBlockMutation = { submitBlock:
    | { __typename: 'BlockRejectedError', code: ErrorCode }
    | { __typename: 'InvalidInputError', code: ErrorCode }
    | { __typename: 'SubmitBlockSuccess', status: BlockAcceptance }
   };

export type PeerSubmitTransactionMutationVariables = Exact<{
  input: TransactionInput;
}>;


export type PeerSubmitTransactionMutation = { submitTransaction:
    | { __typename: 'InvalidInputError', code: ErrorCode }
    | { __typename: 'TransactionAccepted' }
    | { __typename: 'TransactionRejectedError', code: ErrorCode }
   };

export type PeerRegisterNodesMutationVariables = Exact<{
  urls: Array<string> | string;
}>;


export type PeerRegisterNodesMutation = { registerNodes:
    | { __typename: 'InvalidInputError', code: ErrorCode }
    | { __typename: 'RegisterNodesSuccess' }
   };


export const PeerStatusDocument = {"__meta__":{"hash":"sha256:40262bf225dceffe9398983999cbe58875344e9df7a137cf2015561421676685"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PeerStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"address"}},{"kind":"Field","name":{"kind":"Name","value":"genesisHash"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"totalWork"}},{"kind":"Field","name":{"kind":"Name","value":"tip"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}}]}}]}}]} as unknown as DocumentNode<PeerStatusQuery, PeerStatusQueryVariables>;
export const PeerCommonAncestorDocument = {"__meta__":{"hash":"sha256:1733db6095837a7ab74654f9a1d82115b221db181fe63ce8bfddc722af7e466f"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PeerCommonAncestor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"locator"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commonAncestor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"locator"},"value":{"kind":"Variable","name":{"kind":"Name","value":"locator"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}}]}}]} as unknown as DocumentNode<PeerCommonAncestorQuery, PeerCommonAncestorQueryVariables>;
export const PeerEncodedBlocksDocument = {"__meta__":{"hash":"sha256:071087445600639b15c3ce87dc98e97776739ee9e430fa97bc9b2e883e3d1f9a"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PeerEncodedBlocks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterIndex"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"chain"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"encodedBlocks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"afterIndex"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterIndex"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}]}]}}]}}]} as unknown as DocumentNode<PeerEncodedBlocksQuery, PeerEncodedBlocksQueryVariables>;
export const PeerSubmitBlockDocument = {"__meta__":{"hash":"sha256:043ed320d6ddbb395f369bdedb166e90eae3968f09745ac860a70fcd9ed5180c"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PeerSubmitBlock"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"block"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BlockInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"hash"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitBlock"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"block"},"value":{"kind":"Variable","name":{"kind":"Name","value":"block"}}},{"kind":"Argument","name":{"kind":"Name","value":"hash"},"value":{"kind":"Variable","name":{"kind":"Name","value":"hash"}}},{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitBlockSuccess"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<PeerSubmitBlockMutation, PeerSubmitBlockMutationVariables>;
export const PeerSubmitTransactionDocument = {"__meta__":{"hash":"sha256:39d691222022d5294968eb81e0f92d9cfafaa954d79d8ec362417f073df43723"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PeerSubmitTransaction"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitTransaction"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<PeerSubmitTransactionMutation, PeerSubmitTransactionMutationVariables>;
export const PeerRegisterNodesDocument = {"__meta__":{"hash":"sha256:ce30e4cdc1ea0844dd1458de0c9ffd4ef5b31691aabf5c1d5d335a5ece70a421"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PeerRegisterNodes"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"urls"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"registerNodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"urls"},"value":{"kind":"Variable","name":{"kind":"Name","value":"urls"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}}]}}]}}]}}]} as unknown as DocumentNode<PeerRegisterNodesMutation, PeerRegisterNodesMutationVariables>;