/// <reference lib="dom" />
import { h } from 'preact';
import { shortHash } from '../format.js';
import { HashLink } from './HashLink.js';

/** The head of a transaction table: id, sender → recipient, amount, and one more numeric column. */
export function transactionTableHead(lastColumn: string) {
  return h(
    'thead',
    null,
    h(
      'tr',
      null,
      h('th', null, 'Id'),
      h('th', null, 'From → to'),
      h('th', { class: 'num' }, 'Amount'),
      h('th', { class: 'num' }, lastColumn),
    ),
  );
}

/** The id cell and the sender → recipient cell of a transaction row (a reward has no sender: `null`). */
export function transactionCells(
  transaction: { readonly id: string; readonly sender: string | null; readonly recipient: string },
  onSearch: (text: string) => void,
) {
  return [
    h('td', null, h(HashLink, { value: transaction.id, text: shortHash(transaction.id), onSearch })),
    h(
      'td',
      null,
      h(
        'span',
        { class: 'flow' },
        transaction.sender === null
          ? h('span', { class: 'reward-tag' }, 'reward')
          : h(HashLink, { value: transaction.sender, text: shortHash(transaction.sender, 4, 4), onSearch }),
        h('span', { class: 'arrow' }, '→'),
        h(HashLink, { value: transaction.recipient, text: shortHash(transaction.recipient, 4, 4), onSearch }),
      ),
    ),
  ];
}
