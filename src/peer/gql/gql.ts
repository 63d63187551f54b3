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
    "\n  query PeerStatus {\n    node {\n      address\n      genesisHash\n      height\n      totalWork\n      tip {\n        hash\n      }\n    }\n  }\n": typeof types.PeerStatusDocument,
    "\n  query PeerCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      index\n      hash\n    }\n  }\n": typeof types.PeerCommonAncestorDocument,
    "\n  query PeerEncodedBlocks($afterIndex: Int!, $first: Int!) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n": typeof types.PeerEncodedBlocksDocument,
    "\n  mutation PeerSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n      }\n      ... on Error {\n        code\n      }\n    }\n  }\n": typeof types.PeerSubmitBlockDocument,
    "\n  mutation PeerSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n": typeof types.PeerSubmitTransactionDocument,
    "\n  mutation PeerRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n": typeof types.PeerRegisterNodesDocument,
};
const documents: Documents = {
    "\n  query PeerStatus {\n    node {\n      address\n      genesisHash\n      height\n      totalWork\n      tip {\n        hash\n      }\n    }\n  }\n": types.PeerStatusDocument,
    "\n  query PeerCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      index\n      hash\n    }\n  }\n": types.PeerCommonAncestorDocument,
    "\n  query PeerEncodedBlocks($afterIndex: Int!, $first: Int!) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n": types.PeerEncodedBlocksDocument,
    "\n  mutation PeerSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n      }\n      ... on Error {\n        code\n      }\n    }\n  }\n": types.PeerSubmitBlockDocument,
    "\n  mutation PeerSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n": types.PeerSubmitTransactionDocument,
    "\n  mutation PeerRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n": types.PeerRegisterNodesDocument,
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
export function graphql(source: "\n  query PeerStatus {\n    node {\n      address\n      genesisHash\n      height\n      totalWork\n      tip {\n        hash\n      }\n    }\n  }\n"): (typeof documents)["\n  query PeerStatus {\n    node {\n      address\n      genesisHash\n      height\n      totalWork\n      tip {\n        hash\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PeerCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      index\n      hash\n    }\n  }\n"): (typeof documents)["\n  query PeerCommonAncestor($locator: [String!]!) {\n    commonAncestor(locator: $locator) {\n      index\n      hash\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PeerEncodedBlocks($afterIndex: Int!, $first: Int!) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n"): (typeof documents)["\n  query PeerEncodedBlocks($afterIndex: Int!, $first: Int!) {\n    chain {\n      encodedBlocks(afterIndex: $afterIndex, first: $first)\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PeerSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n      }\n      ... on Error {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PeerSubmitBlock($block: BlockInput!, $hash: String, $from: String) {\n    submitBlock(block: $block, hash: $hash, from: $from) {\n      __typename\n      ... on SubmitBlockSuccess {\n        status\n      }\n      ... on Error {\n        code\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PeerSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PeerSubmitTransaction($input: TransactionInput!) {\n    submitTransaction(input: $input) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PeerRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PeerRegisterNodes($urls: [String!]!) {\n    registerNodes(urls: $urls) {\n      __typename\n      ... on Error {\n        code\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;