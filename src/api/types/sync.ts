import { Repeater } from 'graphql-yoga';
import type { Node, SyncStatus } from '../../node/node.js';
import { sameSyncStatus } from '../../node/syncStatus.js';
import { builder } from '../builder.js';
import { DEFAULT_API_LIMITS, FIXED_API_LIMITS } from '../limits.js';

const SyncStatusRef = builder.objectRef<SyncStatus>('SyncStatus');
SyncStatusRef.implement({
  description:
    'How far this node is behind its reachable peers (by the heights they last reported, unverified until their ' +
    'blocks are validated) and whether it is catching up.',
  fields: (t) => ({
    syncing: t.exposeBoolean('syncing', {
      description: 'True while a sync from a peer is running (resolve, the automatic resync, or a gossiped orphan).',
    }),
    height: t.exposeInt('height', { description: "Our best chain's height (the tip's index)." }),
    bestPeerHeight: t.int({
      nullable: true,
      description: 'The highest height a reachable peer last reported; null when no reachable peer reported one.',
      resolve: (status) => status.bestPeerHeight,
    }),
    behind: t.exposeInt('behind', {
      description: 'Blocks the best reachable peer claims beyond ours: max(0, bestPeerHeight − height); 0 without one.',
    }),
    peersAhead: t.exposeInt('peersAhead', {
      description: 'Reachable peers that last reported a height above ours.',
    }),
  }),
});

/**
 * The node's sync status now, then each change: listens before reading the current status, and drops an event equal
 * to the status sent last. A subscriber more than `maxBacklog` changes behind gets an error and the stream ends.
 */
export function syncStatusStream(
  node: Node,
  maxBacklog: number = DEFAULT_API_LIMITS.subscriptionBacklog,
): Repeater<SyncStatus> {
  const backlog = Math.min(maxBacklog, FIXED_API_LIMITS.eventBacklogCeiling);
  return new Repeater<SyncStatus>(async (push, stop) => {
    let pending = 0;
    let last: SyncStatus | undefined;
    const send = (status: SyncStatus) => {
      if (last !== undefined && sameSyncStatus(status, last)) return;
      if (pending >= backlog) {
        stop(new Error(`subscriber fell more than ${backlog} events behind`));
        return;
      }
      last = status;
      pending++;
      void push(status).then(() => pending--);
    };
    const unsubscribe = node.events.on('syncStatusChanged', send);
    send(node.syncStatus);
    await stop;
    unsubscribe();
  });
}

builder.queryField('syncStatus', (t) =>
  t.field({
    type: SyncStatusRef,
    description: 'Whether this node is syncing, its height, and how far its reachable peers claim to be ahead.',
    resolve: (_root, _args, ctx) => ctx.node.syncStatus,
  }),
);

builder.subscriptionField('syncStatus', (t) =>
  t.field({
    type: SyncStatusRef,
    description:
      'The sync status now, then each time a field of it changes (our tip, a peer reporting another height or ' +
      'status, a sync starting or ending). Equal consecutive statuses are never sent.',
    subscribe: (_root, _args, ctx) =>
      ctx.subscriptions.open(ctx.clientId, () => syncStatusStream(ctx.node, ctx.limits.subscriptionBacklog)),
    resolve: (status) => status,
  }),
);
