import type { Node } from '../node/node.js';

/** Per-request context: every resolver reaches the chain only through the node. */
export interface ApiContext {
  readonly node: Node;
}
