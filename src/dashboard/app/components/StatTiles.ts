/// <reference lib="dom" />
import { type ComponentChildren, h } from 'preact';
import type { BlockSummary, MiningProgress, NodeSummary } from '../documents.js';
import { formatAgo, formatCompact, formatHashrate, formatInteger, formatSeconds, shortHash } from '../format.js';
import { HashLink } from './HashLink.js';

/** The tip at a glance: height, hash, difficulty, hashrate, mining, block time. */
export function StatTiles(props: {
  readonly node: NodeSummary | null;
  readonly blocks: readonly BlockSummary[];
  readonly progress: MiningProgress | null;
  readonly now: number;
  readonly onSearch: (text: string) => void;
}) {
  const { node, progress, now } = props;
  if (node === null) {
    return h(
      'section',
      { class: 'tiles' },
      ...['Height', 'Tip', 'Difficulty', 'Hashrate', 'Mining', 'Block time'].map((label) =>
        h(Tile, { label, testId: undefined }, h('div', { class: 'tile-value muted' }, '…')),
      ),
    );
  }
  const average = averageBlockSeconds(props.blocks);
  return h(
    'section',
    { class: 'tiles' },
    h(
      Tile,
      { label: 'Height', testId: 'tile-height' },
      h('div', { class: 'tile-value', 'data-testid': 'tip-height' }, `#${formatInteger(node.height)}`),
      h(
        'div',
        { class: 'tile-note' },
        node.height === 1 ? 'only the genesis block so far' : `tip mined ${formatAgo(node.tip.timestamp, now)}`,
      ),
    ),
    h(
      Tile,
      { label: 'Tip hash', testId: 'tile-tip' },
      h(
        'div',
        { class: 'tile-value mono small', title: node.tip.hash, 'data-testid': 'tip-hash' },
        h(HashLink, { value: node.tip.hash, text: shortHash(node.tip.hash, 10, 6), onSearch: props.onSearch }),
      ),
      h('div', { class: 'tile-note' }, `total work ${formatCompact(Number(node.totalWork))}`),
    ),
    h(
      Tile,
      { label: 'Difficulty', testId: 'tile-difficulty' },
      h('div', { class: 'tile-value' }, `${node.difficulty}`, h('span', { class: 'unit' }, ' bits')),
      h('div', { class: 'tile-note' }, `≈ ${formatCompact(2 ** node.difficulty)} tries a block`),
    ),
    h(
      Tile,
      { label: 'Hashrate', testId: 'tile-hashrate' },
      h('div', { class: 'tile-value', 'data-testid': 'hashrate' }, formatHashrate(node.hashrate)),
      h(
        'div',
        { class: 'tile-note' },
        progress !== null && node.mining
          ? `block #${progress.index}: ${formatCompact(progress.tries)} tries ` +
              `in ${formatSeconds(progress.elapsedMs / 1000)}`
          : 'this node’s miner',
      ),
    ),
    h(
      Tile,
      { label: 'Mining', testId: 'tile-mining' },
      h(
        'div',
        { class: `tile-value mining ${node.mining ? 'on' : 'off'}`, 'data-testid': 'mining' },
        h('span', { class: 'dot' }),
        node.mining ? 'On' : 'Off',
      ),
      h('div', { class: 'tile-note' }, `reward ${node.reward} per block`),
    ),
    h(
      Tile,
      { label: 'Block time', testId: 'tile-block-time' },
      h('div', { class: 'tile-value' }, average === null ? '–' : formatSeconds(average.seconds)),
      h(
        'div',
        { class: 'tile-note' },
        average === null ? 'needs two mined blocks' : `average of the last ${average.blocks}`,
      ),
    ),
  );
}

function Tile(props: {
  readonly label: string;
  readonly testId: string | undefined;
  readonly children?: ComponentChildren;
}) {
  return h(
    'div',
    { class: 'tile', 'data-testid': props.testId },
    h('div', { class: 'tile-label' }, props.label),
    props.children,
  );
}

/** Mean seconds between consecutive blocks of the list, genesis (fixed timestamp) left out; null without two. */
function averageBlockSeconds(
  blocks: readonly BlockSummary[],
): { readonly seconds: number; readonly blocks: number } | null {
  const mined = blocks.filter((block) => block.index > 1);
  if (mined.length < 2) return null;
  const first = mined[0]!;
  const last = mined[mined.length - 1]!;
  return {
    seconds: (last.timestamp - first.timestamp) / 1000 / (last.index - first.index),
    blocks: last.index - first.index,
  };
}
