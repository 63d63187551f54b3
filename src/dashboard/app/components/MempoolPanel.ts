/// <reference lib="dom" />
import { h } from 'preact';
import type { TransactionSummary } from '../documents.js';
import { formatInteger } from '../format.js';
import { transactionCells, transactionTableHead } from './transactionCells.js';

/** The mempool: how many transactions wait, and the first of them in the order blocks will take them. */
export function MempoolPanel(props: {
  readonly pending: readonly TransactionSummary[];
  readonly count: number | null;
  /** Ids the latest reorganization sent back to the mempool: their rows are marked. */
  readonly returned?: readonly string[];
  readonly onSearch: (text: string) => void;
}) {
  const { pending } = props;
  const count = props.count ?? pending.length;
  return h(
    'section',
    { class: 'panel mempool-panel' },
    h(
      'header',
      { class: 'panel-header' },
      h('h2', null, 'Mempool'),
      h('span', { class: 'count-badge', 'data-testid': 'mempool-count' }, formatInteger(count)),
      h('span', { class: 'panel-note' }, count === 1 ? 'transaction waiting' : 'transactions waiting'),
    ),
    pending.length === 0
      ? h('p', { class: 'empty' }, 'Empty: every transaction is in a block.')
      : h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'table', 'data-testid': 'mempool-list' },
            transactionTableHead('Nonce'),
            h(
              'tbody',
              null,
              pending.map((transaction) =>
                h(
                  'tr',
                  props.returned?.includes(transaction.id)
                    ? {
                        key: transaction.id,
                        class: 'returned',
                        'data-returned': 'true',
                        title: 'Back in the mempool: its block left the best chain in a reorganization',
                      }
                    : { key: transaction.id },
                  ...transactionCells(transaction, props.onSearch),
                  h('td', { class: 'num strong' }, formatInteger(transaction.amount)),
                  h('td', { class: 'num muted' }, String(transaction.nonce)),
                ),
              ),
            ),
          ),
        ),
    pending.length < count
      ? h('p', { class: 'panel-foot' }, `showing the first ${pending.length} of ${formatInteger(count)}`)
      : null,
  );
}
