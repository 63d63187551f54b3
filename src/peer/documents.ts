import { graphql } from './gql/gql.js';

/** What a node asks a peer first: who it is, which network, and where its tip is. */
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

/** Best-chain block hashes after a cursor (a block index): used to find the newest shared block. */
export const PeerBlockHashesDocument = graphql(`
  query PeerBlockHashes($after: String!, $first: Int!) {
    chain {
      blocks(first: $first, after: $after) {
        edges {
          node {
            index
            hash
          }
        }
      }
    }
  }
`);

/** Full best-chain blocks after a cursor, everything needed to validate them. */
export const PeerBlocksDocument = graphql(`
  query PeerBlocks($after: String!, $first: Int!) {
    chain {
      blocks(first: $first, after: $after) {
        edges {
          node {
            index
            hash
            previousHash
            timestamp
            merkleRoot
            difficulty
            proof
            transactions {
              sender
              recipient
              amount
              nonce
              signature
            }
          }
        }
      }
    }
  }
`);
