/// <reference lib="dom" />
import { h } from 'preact';
import type { TransactionSummary } from '../documents.js';
import { formatInteger, shortHash } from '../format.js';
import { HashLink } from './HashLink.js';

/** The mempool: how many transactions wait, and the first of them in the order blocks will take them. */
export function MempoolPanel(props: {
  readonly pending: readonly TransactionSummary[];
  readonly count: number | null;
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
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', null, 'Id'),
                h('th', null, 'From → to'),
                h('th', { class: 'num' }, 'Amount'),
                h('th', { class: 'num' }, 'Nonce'),
              ),
            ),
            h(
              'tbody',
              null,
              pending.map((transaction) =>
                h(
                  'tr',
                  { key: transaction.id },
                  h(
                    'td',
                    null,
                    h(HashLink, { value: transaction.id, text: shortHash(transaction.id), onSearch: props.onSearch }),
                  ),
                  h(
                    'td',
                    null,
                    h(
                      'span',
                      { class: 'flow' },
                      h(HashLink, {
                        value: transaction.sender,
                        text: shortHash(transaction.sender, 4, 4),
                        onSearch: props.onSearch,
                      }),
                      h('span', { class: 'arrow' }, '→'),
                      h(HashLink, {
                        value: transaction.recipient,
                        text: shortHash(transaction.recipient, 4, 4),
                        onSearch: props.onSearch,
                      }),
                    ),
                  ),
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
