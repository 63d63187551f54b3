import { graphql } from './gql/gql.js';

/** What a node asks a peer first: who it is, which network, and where its tip is (a few hundred bytes). */
export const PeerStatusDocument = graphql(`
  query PeerStatus {
    node {
      address
      genesisHash
      height
      totalWork
      tip {
        hash
      }
    }
  }
`);

/** The newest block of our locator on the peer's best chain: where the two chains fork. */
export const PeerCommonAncestorDocument = graphql(`
  query PeerCommonAncestor($locator: [String!]!) {
    commonAncestor(locator: $locator) {
      index
      hash
    }
  }
`);

/** Best-chain blocks after an index, in their compact binary encoding (base64). */
export const PeerEncodedBlocksDocument = graphql(`
  query PeerEncodedBlocks($afterIndex: Int!, $first: Int!) {
    chain {
      encodedBlocks(afterIndex: $afterIndex, first: $first)
    }
  }
`);

/** Gossip: pushes a block to a peer. */
export const PeerSubmitBlockDocument = graphql(`
  mutation PeerSubmitBlock($block: BlockInput!, $hash: String, $from: String) {
    submitBlock(block: $block, hash: $hash, from: $from) {
      __typename
      ... on SubmitBlockSuccess {
        status
      }
      ... on Error {
        code
      }
    }
  }
`);

/** Relay: pushes a transaction to a peer. */
export const PeerSubmitTransactionDocument = graphql(`
  mutation PeerSubmitTransaction($input: TransactionInput!) {
    submitTransaction(input: $input) {
      __typename
      ... on Error {
        code
      }
    }
  }
`);

/** Symmetric registration: asks a peer to register this node's public URL. */
export const PeerRegisterNodesDocument = graphql(`
  mutation PeerRegisterNodes($urls: [String!]!) {
    registerNodes(urls: $urls) {
      __typename
      ... on Error {
        code
      }
    }
  }
`);
