import { PeerUrlError } from '../../node/node.js';
import { MAX_PEERS, type PeerRecord } from '../../peer/peerSet.js';
import type { SyncOutcome } from '../../peer/syncFromPeer.js';
import { builder } from '../builder.js';
import { requireAdmin } from '../context.js';
import { listCost } from '../cost.js';
import { InvalidInputError } from '../errors.js';
import { subscribeToNodeEvent } from '../eventStream.js';
import { ChainRef, PeerRef, PeerSyncOutcomeRef } from '../refs.js';
import { SafeIntScalar } from '../scalars.js';
import { sharedStream } from '../subscriptionMultiplexer.js';

const PeerStatusEnum = builder.enumType('PeerStatus', {
  description: 'How a peer answered the last time it was contacted.',
  values: {
    REACHABLE: { description: 'It answered with valid data.' },
    UNREACHABLE: { description: 'It could not be reached in time (down, wrong port, timeout). Kept; retried.' },
    REFUSED: { description: 'It answered with invalid data, lied, or is on another network (see lastError).' },
    UNKNOWN: { description: 'Not contacted yet.' },
  },
});

PeerRef.implement({
  description: "Another node this one talks to (the tutorial's registered nodes).",
  fields: (t) => ({
    id: t.id({
      description:
        'Its normalized URL (equal to `url`): the identity normalized caches key the peer by. Not prefixed: caches ' +
        'key by `__typename` + `id`.',
      resolve: (p) => p.url,
    }),
    url: t.exposeString('url', { description: 'Its GraphQL endpoint, normalized to http(s)://host:port/graphql.' }),
    status: t.field({ type: PeerStatusEnum, description: 'How it answered last time.', resolve: (p) => p.status }),
    height: t.int({
      nullable: true,
      description: 'Its height as it last reported it (unverified).',
      resolve: (p) => p.height,
    }),
    address: t.string({
      nullable: true,
      description: 'Its node address as it last reported it.',
      resolve: (p) => p.address,
    }),
    genesisHash: t.string({
      nullable: true,
      description: 'Its genesis hash as it last reported it.',
      resolve: (p) => p.genesisHash,
    }),
    lastSeen: t.field({
      type: SafeIntScalar,
      nullable: true,
      description: 'When it last answered, in ms since the epoch.',
      resolve: (p) => p.lastSeen,
    }),
    lastError: t.string({
      nullable: true,
      description: 'Why the last contact failed or was refused.',
      resolve: (p) => p.lastError,
    }),
    failures: t.exposeInt('failures', { description: 'Failed contacts in a row (0 after a good answer).' }),
    retryAt: t.field({
      type: SafeIntScalar,
      nullable: true,
      description:
        'Until this time (ms since the epoch) gossip and the automatic resync skip the peer ' +
        '(backoff: 1 s, 2 s, 4 s, … up to 60 s while unreachable; 60 s after a refusal). ' +
        'Null when not backing off. `resolve` always tries.',
      resolve: (p) => p.retryAt,
    }),
  }),
});

builder.subscriptionField('peerChanged', (t) =>
  t.field({
    type: PeerRef,
    description: 'Each time a peer is registered or its status, height or last error changes.',
    extensions: sharedStream(),
    subscribe: (_root, _args, ctx) => subscribeToNodeEvent(ctx, 'peerChanged'),
    resolve: (peer) => peer,
  }),
);

const SyncOutcomeKindEnum = builder.enumType('PeerSyncOutcomeKind', {
  description: 'What resolving against one peer did.',
  values: {
    ADOPTED: { description: "Our best chain switched to (or was extended by) the peer's valid chain with more work." },
    IN_SYNC: { description: 'The peer has our tip.' },
    AHEAD: { description: 'We already have its tip, or it has no more work than we do.' },
    UNREACHABLE: { description: 'It could not be reached in time.' },
    REFUSED: {
      description: 'It served invalid data, lied about its chain, or is on another network; nothing was kept.',
    },
  },
});

PeerSyncOutcomeRef.implement({
  description: 'The result of syncing from one peer during `resolve`.',
  fields: (t) => ({
    url: t.exposeString('url', { description: 'The peer.' }),
    outcome: t.field({ type: SyncOutcomeKindEnum, description: 'What happened.', resolve: (o) => o.outcome }),
    message: t.exposeString('message', { description: "Details; a refusal starts with the rule's code." }),
    blocksFetched: t.exposeInt('blocksFetched', { description: 'Blocks downloaded from it.' }),
    peerHeight: t.int({ nullable: true, description: 'Its claimed height.', resolve: (o) => o.status?.height ?? null }),
  }),
});

const Resolution = builder.objectRef<{ replaced: boolean; outcomes: readonly SyncOutcome[] }>('Resolution');
Resolution.implement({
  description: "The result of `resolve`, the tutorial's consensus call.",
  fields: (t) => ({
    replaced: t.exposeBoolean('replaced', {
      description: "True when our chain was replaced by a peer's (false: ours is authoritative).",
    }),
    chain: t.field({ type: ChainRef, description: 'Our best chain afterwards.', resolve: () => ({}) }),
    peers: t.field({
      type: [PeerSyncOutcomeRef],
      description: 'What happened with each peer.',
      complexity: listCost(MAX_PEERS),
      resolve: (r) => r.outcomes,
    }),
  }),
});

const RegisterNodesSuccess = builder.objectRef<{ added: readonly PeerRecord[]; peers: readonly PeerRecord[] }>(
  'RegisterNodesSuccess',
);
RegisterNodesSuccess.implement({
  description: 'The peers were registered and contacted once.',
  fields: (t) => ({
    added: t.field({
      type: [PeerRef],
      description: 'Peers that were new, with how they answered.',
      complexity: listCost(MAX_PEERS),
      resolve: (r) => r.added,
    }),
    peers: t.field({
      type: [PeerRef],
      description: 'Every registered peer.',
      complexity: listCost(MAX_PEERS),
      resolve: (r) => r.peers,
    }),
  }),
});

const RemoveNodesSuccess = builder.objectRef<{ removed: readonly string[]; peers: readonly PeerRecord[] }>(
  'RemoveNodesSuccess',
);
RemoveNodesSuccess.implement({
  description: 'The peers were forgotten.',
  fields: (t) => ({
    removed: t.stringList({
      description: 'Normalized URLs that were registered and are now forgotten.',
      complexity: listCost(MAX_PEERS),
      resolve: (r) => [...r.removed],
    }),
    peers: t.field({
      type: [PeerRef],
      description: 'The peers that remain.',
      complexity: listCost(MAX_PEERS),
      resolve: (r) => r.peers,
    }),
  }),
});

builder.queryField('peers', (t) =>
  t.field({
    type: [PeerRef],
    description: 'Registered peers and their status.',
    complexity: listCost(MAX_PEERS),
    resolve: (_root, _args, ctx) => ctx.node.peers.list(),
  }),
);

builder.mutationFields((t) => ({
  registerNodes: t.field({
    type: RegisterNodesSuccess,
    description:
      "Registers peers by URL: `host:port` or `http(s)://host:port[/graphql]` (the tutorial's /nodes/register). " +
      'All URLs are checked first; one bad URL registers none. A peer that is down is kept and reported.',
    args: { urls: t.arg.stringList({ required: true, description: 'Peer addresses, at most 100 per call.' }) },
    errors: {
      types: [InvalidInputError],
      directResult: true,
      union: { name: 'RegisterNodesResult', description: 'The registered peers, or which URL is malformed.' },
    },
    resolve: async (_root, args, ctx) => {
      requireAdmin(ctx, 'registerNodes');
      try {
        return await ctx.node.registerNodes(args.urls);
      } catch (error) {
        if (error instanceof PeerUrlError) throw new InvalidInputError(error.field, error.message);
        throw error;
      }
    },
  }),
  removeNodes: t.field({
    type: RemoveNodesSuccess,
    description:
      'Forgets peers (same URL forms as registerNodes): no more gossip, relay or resync with them. Unknown URLs ' +
      'are ignored; one malformed URL removes none.',
    args: { urls: t.arg.stringList({ required: true, description: 'Peer addresses to forget.' }) },
    errors: {
      types: [InvalidInputError],
      directResult: true,
      union: { name: 'RemoveNodesResult', description: 'The remaining peers, or which URL is malformed.' },
    },
    resolve: (_root, args, ctx) => {
      requireAdmin(ctx, 'removeNodes');
      try {
        return ctx.node.removeNodes(args.urls);
      } catch (error) {
        if (error instanceof PeerUrlError) throw new InvalidInputError(error.field, error.message);
        throw error;
      }
    },
  }),
  resolve: t.field({
    type: Resolution,
    description:
      "The tutorial's consensus (/nodes/resolve): sync from every peer and keep the valid chain with the most work. " +
      'Peers that are down or lie are reported per peer, never fatal.',
    resolve: (_root, _args, ctx) => {
      requireAdmin(ctx, 'resolve');
      return ctx.node.resolve();
    },
  }),
}));
