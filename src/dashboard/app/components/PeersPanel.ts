/// <reference lib="dom" />
import { h } from 'preact';
import type { PeerSummary } from '../documents.js';
import { formatAgo, formatInteger } from '../format.js';

const STATUS_LABEL: Record<PeerSummary['status'], string> = {
  REACHABLE: 'reachable',
  UNREACHABLE: 'unreachable',
  REFUSED: 'refused',
  UNKNOWN: 'not contacted yet',
};

/** The registered peers with their status, as the peers query and the peerChanged subscription report them. */
export function PeersPanel(props: {
  readonly peers: readonly PeerSummary[];
  readonly height: number | null;
  readonly now: number;
}) {
  const { peers, now } = props;
  const reachable = peers.filter((peer) => peer.status === 'REACHABLE').length;
  return h(
    'section',
    { class: 'panel peers-panel' },
    h(
      'header',
      { class: 'panel-header' },
      h('h2', null, 'Peers'),
      h('span', { class: 'count-badge', 'data-testid': 'peer-count' }, String(peers.length)),
      h('span', { class: 'panel-note' }, peers.length === 0 ? 'none registered' : `${reachable} reachable`),
    ),
    peers.length === 0
      ? h('p', { class: 'empty' }, 'No peers. Start the node with --peers or call registerNodes.')
      : h(
          'ul',
          { class: 'peer-list', 'data-testid': 'peer-list' },
          peers.map((peer) =>
            h(
              'li',
              {
                key: peer.url,
                class: `peer-row status-${peer.status.toLowerCase()}`,
                'data-testid': 'peer-row',
                'data-status': peer.status,
              },
              h('span', { class: 'status-dot', title: STATUS_LABEL[peer.status] }),
              h(
                'div',
                { class: 'peer-main' },
                h('span', { class: 'peer-url mono' }, peer.url),
                h('span', { class: 'peer-meta' }, peerMeta(peer, props.height, now)),
                peer.lastError === null || peer.status === 'REACHABLE'
                  ? null
                  : h('span', { class: 'peer-error' }, peer.lastError),
              ),
              h('span', { class: `status-pill ${peer.status.toLowerCase()}` }, STATUS_LABEL[peer.status]),
            ),
          ),
        ),
  );
}

function peerMeta(peer: PeerSummary, ourHeight: number | null, now: number): string {
  const parts: string[] = [];
  if (peer.height !== null) {
    const gap = ourHeight === null ? 0 : peer.height - ourHeight;
    // The height it last reported (unverified, and only as fresh as the last contact).
    const relation = gap === 0 ? ' (our height)' : gap > 0 ? ` (${gap} ahead of us)` : ` (${-gap} behind us)`;
    parts.push(`reported #${formatInteger(peer.height)}${relation}`);
  }
  parts.push(peer.lastSeen === null ? 'never answered' : `seen ${formatAgo(peer.lastSeen, now)}`);
  if (peer.failures > 0) parts.push(`${peer.failures} failure${peer.failures === 1 ? '' : 's'} in a row`);
  if (peer.retryAt !== null && peer.retryAt > now)
    parts.push(`next try in ${Math.ceil((peer.retryAt - now) / 1000)} s`);
  return parts.join(' · ');
}
