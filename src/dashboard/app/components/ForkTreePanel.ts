/// <reference lib="dom" />
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { BlockHoverResult } from '../documents.js';
import { type FleetAgreement, type FleetMarker, type FleetMember, fleetLabel } from '../fleet.js';
import type { PlacedBlock, TreeLayout, TreeReorganization } from '../forkTree.js';
import { formatInteger, formatTimestamp, shortHash } from '../format.js';
import { HashLink } from './HashLink.js';

/** Grid pitch in SVG units: one column per height, one row per branch. */
const COLUMN = 38;
const ROW = 40;
const BLOCK = 22;
/** Room above the first row for height labels and fleet markers, and left of the first column. */
const TOP = 56;
const LEFT = 20;
/** Room right of the last column for the labels of the markers at the tip. */
const RIGHT = 110;
/** Markers stack upwards from a block by this much. */
const MARKER_STEP = 11;
/** Hover details kept (miner and transactions of blocks hovered), oldest dropped first. */
const DETAIL_CACHE = 64;
/** Transactions listed in a hover card and in the reorganization note. */
const LISTED = 6;

type HoverDetail = NonNullable<BlockHoverResult['block']>;

/**
 * The fork tree of the last N heights as SVG (best chain on one straight row, side branches below it, blocks seen
 * only on a `?nodes=` node dashed), the fleet's markers at their tips, the agreement line, and the latest
 * reorganization with the transactions it returned to the mempool. Blocks and lines are keyed by hash and positioned
 * with CSS transforms, so when the best line moves they slide to their new rows instead of being redrawn.
 */
export function ForkTreePanel(props: {
  readonly layout: TreeLayout | null;
  readonly heights: number;
  readonly markers: readonly FleetMarker[];
  readonly members: readonly FleetMember[];
  readonly refused: readonly { readonly text: string; readonly problem: string }[];
  readonly agreement: FleetAgreement;
  readonly reorganization: TreeReorganization | null;
  readonly loadDetail: (hash: string) => Promise<HoverDetail | null>;
  readonly onSearch: (text: string) => void;
}) {
  const { layout, markers, members, agreement, reorganization } = props;
  const [hovered, setHovered] = useState<PlacedBlock | null>(null);
  const [detail, setDetail] = useState<HoverDetail | null>(null);
  const details = useRef(new Map<string, HoverDetail>());
  const hoveredHash = hovered?.block.hash ?? null;

  useEffect(() => {
    if (hoveredHash === null) return;
    const cached = details.current.get(hoveredHash);
    setDetail(cached ?? null);
    if (cached !== undefined) return;
    let current = true;
    props.loadDetail(hoveredHash).then(
      (loaded) => {
        if (loaded === null) return;
        const cache = details.current;
        cache.set(loaded.hash, loaded);
        if (cache.size > DETAIL_CACHE) cache.delete(cache.keys().next().value!);
        if (current) setDetail(loaded);
      },
      () => undefined, // the card shows what the tree holds; the miner line says it is unknown
    );
    return () => {
      current = false;
    };
  }, [hoveredHash]);

  // A hovered block that fell off the tree takes its card with it.
  const hoveredPlaced = hovered === null ? null : (layout?.blocks.find((p) => p.block.hash === hoveredHash) ?? null);

  const width = LEFT + props.heights * COLUMN + RIGHT;
  const height = TOP + (layout?.rows ?? 1) * ROW + 8;
  const x = (column: number) => LEFT + column * COLUMN + COLUMN / 2;
  const y = (row: number) => TOP + row * ROW + ROW / 2;
  const returned = new Set(reorganization?.returnedTransactions ?? []);

  return h(
    'section',
    { class: 'panel tree-panel', 'data-testid': 'fork-tree-panel' },
    h(
      'header',
      { class: 'panel-header' },
      h('h2', null, 'Fork tree'),
      h(
        'span',
        { class: 'panel-note' },
        layout === null
          ? 'waiting for the tip'
          : `heights ${formatInteger(layout.window.from)}–${formatInteger(layout.window.to)} · ` +
              `${layout.blocks.length} blocks · ${layout.rows - 1} side ${layout.rows === 2 ? 'row' : 'rows'}`,
      ),
      h(
        'span',
        {
          class: `agreement ${agreement.agreeing === agreement.total ? 'agreed' : 'split'}`,
          'data-testid': 'fleet-agreement',
          'data-agreeing': agreement.agreeing,
          'data-total': agreement.total,
        },
        agreement.text,
      ),
    ),
    h(
      'div',
      { class: 'tree-scroll' },
      h(
        'div',
        { class: 'tree-canvas', style: { width: `${width}px` } },
        h(
          'svg',
          {
            class: 'fork-tree',
            'data-testid': 'fork-tree',
            'data-rows': layout?.rows ?? 0,
            width,
            height,
            viewBox: `0 0 ${width} ${height}`,
            role: 'img',
            'aria-label': 'Fork tree of the latest heights',
          },
          layout === null
            ? null
            : [
                h(
                  'g',
                  { class: 'tree-heights', key: 'heights' },
                  Array.from({ length: layout.window.to - layout.window.from + 1 }, (_, column) => column)
                    .filter((column) => (layout.window.from + column) % 5 === 0 || column === 0)
                    .map((column) =>
                      h(
                        'text',
                        { key: layout.window.from + column, x: x(column), y: 12, 'text-anchor': 'middle' },
                        `#${layout.window.from + column}`,
                      ),
                    ),
                ),
                h(
                  'g',
                  { class: 'tree-links', key: 'links' },
                  layout.links.map((link) => {
                    const path = linkPath(x(link.from.column), y(link.from.row), x(link.to.column), y(link.to.row));
                    return h('path', {
                      key: link.key,
                      class: link.isBest ? 'tree-link best' : 'tree-link',
                      d: path,
                      style: { d: `path("${path}")` },
                    });
                  }),
                ),
                h(
                  'g',
                  { class: 'tree-blocks', key: 'blocks' },
                  layout.blocks.map((placed) =>
                    h(
                      'g',
                      {
                        key: placed.block.hash,
                        class: blockClass(placed),
                        'data-testid': 'tree-block',
                        'data-hash': placed.block.hash,
                        'data-index': placed.block.index,
                        'data-row': placed.row,
                        'data-best': placed.isBest ? 'true' : 'false',
                        'data-seen-on': placed.block.seenOn ?? '',
                        style: { transform: `translate(${x(placed.column)}px, ${y(placed.row)}px)` },
                        onMouseEnter: () => setHovered(placed),
                        onMouseLeave: () => setHovered(null),
                        onClick: () => props.onSearch(placed.block.hash),
                      },
                      h('rect', { x: -BLOCK / 2, y: -BLOCK / 2, width: BLOCK, height: BLOCK, rx: 5 }),
                      placed.block.transactionCount > 1
                        ? h('text', { y: 4, 'text-anchor': 'middle' }, String(placed.block.transactionCount - 1))
                        : null,
                    ),
                  ),
                ),
                h(
                  'g',
                  { class: 'fleet-markers', key: 'markers' },
                  markers.map((marker) =>
                    h(
                      'g',
                      {
                        key: marker.member.key,
                        class: `fleet-marker status-${marker.member.status.toLowerCase()}${marker.exact ? '' : ' approximate'}`,
                        'data-testid': 'fleet-marker',
                        'data-key': marker.member.key,
                        'data-exact': marker.exact ? 'true' : 'false',
                        'data-status': marker.member.status,
                        style: {
                          transform: `translate(${x(marker.column)}px, ${y(marker.row) - BLOCK / 2 - 6 - marker.stack * MARKER_STEP}px)`,
                        },
                      },
                      h('title', null, markerTitle(marker)),
                      h('path', { d: 'M -4 -5 L 4 -5 L 0 1 Z' }),
                      h('text', { x: 7, y: -1 }, marker.member.kind === 'self' ? 'this node' : marker.member.label),
                    ),
                  ),
                ),
              ],
        ),
        hoveredPlaced === null
          ? null
          : hoverCard(hoveredPlaced, detail?.hash === hoveredPlaced.block.hash ? detail : null, {
              left: x(hoveredPlaced.column),
              top: y(hoveredPlaced.row) + BLOCK / 2 + 6,
              flip: x(hoveredPlaced.column) > width - 300,
            }),
      ),
    ),
    h(
      'ul',
      { class: 'fleet-list', 'data-testid': 'fleet-list' },
      members.map((member) =>
        h(
          'li',
          {
            key: member.key,
            class: `fleet-item status-${member.status.toLowerCase()}`,
            'data-testid': 'fleet-item',
            'data-key': member.key,
            'data-status': member.status,
            title: member.problem ?? member.url,
          },
          h('span', { class: 'status-dot' }),
          h('span', { class: 'mono' }, member.kind === 'self' ? `this node (${member.label})` : member.label),
          h(
            'span',
            { class: 'muted' },
            member.height === null ? statusText(member) : `#${formatInteger(member.height)} ${statusText(member)}`,
          ),
        ),
      ),
      props.refused.map((entry) =>
        h(
          'li',
          {
            key: `refused ${entry.text}`,
            class: 'fleet-item status-bad_url',
            'data-testid': 'fleet-item',
            'data-status': 'BAD_URL',
          },
          h('span', { class: 'status-dot' }),
          h('span', { class: 'mono' }, entry.text),
          h('span', { class: 'muted' }, entry.problem),
        ),
      ),
    ),
    reorganization === null
      ? null
      : h(
          'p',
          { class: 'tree-reorganization', 'data-testid': 'tree-reorganization', 'data-depth': reorganization.depth },
          `Reorganized at ${formatTimestamp(reorganization.at)}: depth ${reorganization.depth}, the best line moved ` +
            `from #${reorganization.oldTip.index} ${shortHash(reorganization.oldTip.hash)} to ` +
            `#${reorganization.newTip.index} ${shortHash(reorganization.newTip.hash)}. `,
          returned.size === 0
            ? 'No transaction went back to the mempool.'
            : [
                `${returned.size} ${returned.size === 1 ? 'transaction went' : 'transactions went'} back to the mempool: `,
                ...[...returned]
                  .slice(0, LISTED)
                  .map((id) =>
                    h(
                      'span',
                      { key: id, class: 'returned-transaction', 'data-testid': 'returned-transaction' },
                      h(HashLink, { value: id, text: shortHash(id), onSearch: props.onSearch }),
                    ),
                  ),
                returned.size > LISTED ? ` and ${returned.size - LISTED} more` : null,
              ],
        ),
  );
}

/** A straight line along a row; a bend down (or up) to another row, level before the child. */
function linkPath(x1: number, y1: number, x2: number, y2: number): string {
  const a = x1 + BLOCK / 2;
  const b = x2 - BLOCK / 2;
  if (y1 === y2) return `M ${a} ${y1} L ${b} ${y2}`;
  const middle = (a + b) / 2;
  return `M ${a} ${y1} C ${middle} ${y1} ${middle} ${y2} ${b} ${y2}`;
}

function blockClass(placed: PlacedBlock): string {
  let name = placed.isBest ? 'tree-block best' : 'tree-block side';
  if (placed.block.seenOn !== null) name += ' remote';
  if (placed.disconnected) name += ' disconnected';
  return name;
}

function statusText(member: FleetMember): string {
  switch (member.status) {
    case 'SELF':
      return '';
    case 'REACHABLE':
      return member.kind === 'peer' ? 'peer' : '';
    case 'CHECKING':
      return 'checking…';
    case 'UNKNOWN':
      return 'not contacted yet';
    default:
      return member.problem === null
        ? member.status.toLowerCase()
        : `${member.status.toLowerCase()}: ${member.problem}`;
  }
}

function markerTitle(marker: FleetMarker): string {
  const { member } = marker;
  const where = marker.exact
    ? `tip ${member.tipHash}`
    : `height ${member.height}${member.kind === 'peer' ? ' (a peer reports its height, not its tip)' : ''}`;
  return `${member.kind === 'self' ? 'this node' : member.url} · ${member.status.toLowerCase()} · ${where}${marker.ahead ? ' (ahead of the heights drawn)' : ''}`;
}

function hoverCard(
  placed: PlacedBlock,
  detail: HoverDetail | null,
  at: { readonly left: number; readonly top: number; readonly flip: boolean },
) {
  const { block } = placed;
  const reward = detail?.transactions.find((transaction) => transaction.isReward);
  const transfers = detail?.transactions.filter((transaction) => !transaction.isReward) ?? [];
  return h(
    'div',
    {
      class: `tree-card${at.flip ? ' flip' : ''}`,
      'data-testid': 'tree-card',
      style: { left: `${at.left}px`, top: `${at.top}px` },
    },
    h('div', { class: 'mono wrap', 'data-testid': 'tree-card-hash' }, block.hash),
    h(
      'div',
      null,
      `#${formatInteger(block.index)} · ${placed.isBest ? 'best chain' : 'side branch'}`,
      block.seenOn === null ? '' : ` · seen only on ${fleetLabel(block.seenOn)}`,
    ),
    h('div', null, `mined ${formatTimestamp(block.timestamp)}`),
    h(
      'div',
      { 'data-testid': 'tree-card-miner' },
      'miner ',
      reward === undefined
        ? h('span', { class: 'muted' }, detail === null ? '…' : 'unknown')
        : h('span', { class: 'mono' }, shortHash(reward.recipient, 10, 6)),
    ),
    block.origin === null
      ? null
      : h(
          'div',
          { class: 'muted' },
          `${block.origin.toLowerCase()}${block.receivedFrom === null ? '' : ` from ${fleetLabel(block.receivedFrom)}`}` +
            (block.firstSeenAt === null ? '' : `, first seen ${formatTimestamp(block.firstSeenAt)}`),
        ),
    h(
      'div',
      null,
      `${block.transactionCount - 1} ${block.transactionCount === 2 ? 'transaction' : 'transactions'} besides the reward`,
    ),
    transfers.length === 0
      ? null
      : h(
          'ul',
          { class: 'tree-card-transactions' },
          transfers
            .slice(0, LISTED)
            .map((transaction) =>
              h('li', { key: transaction.id, class: 'mono' }, `${shortHash(transaction.id)} · ${transaction.amount}`),
            ),
        ),
    h('div', { class: 'muted' }, 'click to open the block'),
  );
}
