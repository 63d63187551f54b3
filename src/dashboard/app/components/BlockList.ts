/// <reference lib="dom" />
import { h } from 'preact';
import type { BlockSummary, ChainReorganization } from '../documents.js';
import { formatAgo, formatInteger, formatSeconds, shortHash } from '../format.js';
import { HashLink } from './HashLink.js';

/** How many of the recent blocks the list shows. */
const SHOWN = 12;

/** The newest blocks, newest first, as they stream in from `newBlock`; blocks that arrived live slide in. */
export function BlockList(props: {
  readonly blocks: readonly BlockSummary[];
  readonly freshHashes: ReadonlySet<string>;
  readonly reorganization: (ChainReorganization & { readonly at: number }) | null;
  readonly now: number;
  readonly onSearch: (text: string) => void;
}) {
  const { blocks, now } = props;
  const shown = blocks.slice(-SHOWN).reverse();
  const parents = new Map(blocks.map((block) => [block.index, block]));
  const recentReorg =
    props.reorganization !== null && now - props.reorganization.at < 60_000 ? props.reorganization : null;
  return h(
    'section',
    { class: 'panel blocks-panel' },
    h(
      'header',
      { class: 'panel-header' },
      h('h2', null, 'Latest blocks'),
      h('span', { class: 'panel-note' }, 'streaming from newBlock'),
    ),
    recentReorg === null
      ? null
      : h(
          'div',
          { class: 'notice warn', 'data-testid': 'reorg-notice' },
          `Reorganized ${formatAgo(recentReorg.at, now)}: ` +
            `${recentReorg.depth} block${recentReorg.depth === 1 ? '' : 's'} replaced, ` +
            `tip #${recentReorg.oldTip.index} → #${recentReorg.newTip.index}`,
        ),
    shown.length === 0
      ? h('p', { class: 'empty' }, 'Waiting for the chain…')
      : h(
          'ol',
          { class: 'block-list', 'data-testid': 'block-list' },
          shown.map((block) => {
            const parent = parents.get(block.index - 1);
            // Genesis has a fixed timestamp from the chain parameters: no age, no gap after it.
            const seconds =
              parent === undefined || parent.index === 1 ? null : (block.timestamp - parent.timestamp) / 1000;
            return h(
              'li',
              {
                key: block.hash,
                class: `block-row${props.freshHashes.has(block.hash) ? ' fresh' : ''}`,
                'data-testid': 'block-row',
                'data-index': String(block.index),
                'data-hash': block.hash,
              },
              h(
                'button',
                {
                  type: 'button',
                  class: 'block-index',
                  onClick: () => props.onSearch(String(block.index)),
                  title: 'Show this block',
                },
                `#${formatInteger(block.index)}`,
              ),
              h(
                'div',
                { class: 'block-main' },
                h(HashLink, { value: block.hash, text: shortHash(block.hash, 10, 6), onSearch: props.onSearch }),
                h(
                  'span',
                  { class: 'block-meta' },
                  `${block.transactionCount} tx · ${formatInteger(block.size)} B · ${block.difficulty} bits`,
                ),
              ),
              h(
                'div',
                { class: 'block-time' },
                h('span', { class: 'ago' }, block.index === 1 ? 'genesis' : formatAgo(block.timestamp, now)),
                h('span', { class: 'delta' }, seconds === null ? '' : `+${formatSeconds(seconds)}`),
              ),
            );
          }),
        ),
  );
}
