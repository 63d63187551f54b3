/// <reference lib="dom" />
import { h } from 'preact';
import { useMemo } from 'preact/hooks';
import type { HashrateSample } from '../dashboardState.js';
import type { BlockSummary } from '../documents.js';
import { formatCompact, formatHashrate, formatSeconds } from '../format.js';
import { Chart } from './Chart.js';

const CHART_HEIGHT = 160;

/** Block time and difficulty over the recent blocks, and this node's hashrate over the last minutes. */
export function ChartsPanel(props: {
  readonly blocks: readonly BlockSummary[];
  readonly hashrate: readonly HashrateSample[];
}) {
  const perBlock = useMemo(() => blockSeries(props.blocks), [props.blocks]);
  const hashrate = useMemo(
    () => ({ x: props.hashrate.map((sample) => sample.at / 1000), y: props.hashrate.map((sample) => sample.hashrate) }),
    [props.hashrate],
  );
  const timed = perBlock.blockSeconds.filter((value): value is number => value !== null);
  const lastSeconds = timed[timed.length - 1];
  const lastDifficulty = perBlock.difficulty[perBlock.difficulty.length - 1];
  const lastHashrate = hashrate.y[hashrate.y.length - 1];
  return h(
    'section',
    { class: 'panel charts-panel' },
    h(
      'div',
      { class: 'chart-card' },
      h(
        'header',
        { class: 'chart-header' },
        h('h2', null, 'Block time'),
        h('span', { class: 'panel-note' }, `seconds after the parent, last ${timed.length} blocks`),
        h(Headline, { value: lastSeconds === undefined ? null : formatSeconds(lastSeconds), label: 'latest' }),
      ),
      h(Chart, {
        label: 'Block time',
        kind: 'bars',
        color: '#60a5fa',
        time: false,
        height: CHART_HEIGHT,
        testId: 'chart-block-time',
        x: perBlock.indexes,
        y: perBlock.blockSeconds,
        formatValue: formatSeconds,
        minTop: 1,
      }),
    ),
    h(
      'div',
      { class: 'chart-card' },
      h(
        'header',
        { class: 'chart-header' },
        h('h2', null, 'Difficulty'),
        h('span', { class: 'panel-note' }, 'leading zero bits per block'),
        h(Headline, { value: lastDifficulty === undefined ? null : `${lastDifficulty} bits`, label: 'tip' }),
      ),
      h(Chart, {
        label: 'Difficulty',
        kind: 'steps',
        color: '#f5a524',
        time: false,
        height: CHART_HEIGHT,
        testId: 'chart-difficulty',
        x: perBlock.indexes,
        y: perBlock.difficulty,
        formatValue: (bits) => `${formatCompact(bits)} bits`,
        minTop: 4,
      }),
    ),
    h(
      'div',
      { class: 'chart-card' },
      h(
        'header',
        { class: 'chart-header' },
        h('h2', null, 'Hashrate'),
        h('span', { class: 'panel-note' }, 'this node, from miningProgress and node { hashrate }'),
        h(Headline, { value: lastHashrate === undefined ? null : formatHashrate(lastHashrate), label: 'now' }),
      ),
      h(Chart, {
        label: 'Hashrate',
        kind: 'line',
        color: '#34d399',
        time: true,
        height: CHART_HEIGHT,
        testId: 'chart-hashrate',
        x: hashrate.x,
        y: hashrate.y,
        formatValue: formatHashrate,
        minTop: 1000,
      }),
    ),
  );
}

/** The newest value of a chart, at the right of its header. */
function Headline(props: { readonly value: string | null; readonly label: string }) {
  if (props.value === null) return null;
  return h('span', { class: 'chart-headline' }, h('span', { class: 'panel-note' }, props.label), ' ', props.value);
}

/**
 * Per block (after the first, whose parent the page may not have): seconds since the parent, and difficulty. The
 * genesis block carries a fixed timestamp from the chain parameters, so the gap after it says nothing: left out.
 */
function blockSeries(blocks: readonly BlockSummary[]) {
  const rest = blocks.slice(1);
  return {
    indexes: rest.map((block) => block.index),
    blockSeconds: rest.map((block, position) => {
      const parent = blocks[position]!;
      return parent.index === block.index - 1 && parent.index > 1
        ? Math.max(0, (block.timestamp - parent.timestamp) / 1000)
        : null;
    }),
    difficulty: rest.map((block) => block.difficulty),
  };
}
