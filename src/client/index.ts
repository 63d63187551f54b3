/**
 * The typed client's public surface: what a program outside this repository imports (examples/ does). Code inside
 * the repository imports from the defining files instead.
 *
 * ```ts
 * import { createNodeClient, generateWallet } from './src/client/index.js';
 * const client = createNodeClient('http://127.0.0.1:4000/graphql', { adminToken: process.env.NODE_ADMIN_TOKEN });
 * const mined = await client.mine();
 * if (mined.ok) console.log(mined.block.index); else console.error(mined.code, mined.message);
 * ```
 */

export {
  generateWallet,
  type SignedTransfer,
  signTransfer,
  type Wallet,
  walletFromPrivateKey,
} from '../wallet/wallet.js';
export { blockInputOf } from './blockInputOf.js';
export {
  type BlockSelector,
  type ChainFreshness,
  createNodeClient,
  type NodeClient,
  type NodeClientOptions,
  type TransactionAccepted,
  type TransactionConfirmed,
  type WaitOptions,
} from './createNodeClient.js';
export {
  isNodeClientError,
  NodeClientError,
  NodeGraphQLError,
  NodePayloadTooLargeError,
  NodeRateLimitedError,
  NodeRefusalError,
  NodeResponseError,
  NodeUnauthorizedError,
  NodeUnreachableError,
  SubscriptionOverflowError,
  TransactionDroppedError,
} from './errors.js';
export type { NodeSubscription } from './openSubscription.js';
export { assertOk, isOk, type NodeRefusal, type NodeResult } from './result.js';
export type * from './types.js';
