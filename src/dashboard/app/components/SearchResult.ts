/// <reference lib="dom" />
import { type ComponentChildren, h } from 'preact';
import type { AccountDetail, BlockDetail, TransactionDetail, TransactionSummary } from '../documents.js';
import { formatAgo, formatCompact, formatInteger, formatTimestamp, shortHash } from '../format.js';
import type { SearchOutcome } from '../searchChain.js';
import { HashLink } from './HashLink.js';
import { transactionCells, transactionTableHead } from './transactionCells.js';

type OnSearch = (text: string) => void;

/** What the search found: a block, a transaction or an account, or why nothing was. */
export function SearchResult(props: {
  readonly outcome: SearchOutcome;
  readonly now: number;
  readonly onSearch: OnSearch;
  readonly onClose: () => void;
}) {
  const { outcome, now, onSearch } = props;
  const close = h(
    'button',
    { type: 'button', class: 'close', onClick: props.onClose, 'aria-label': 'Close the result' },
    '×',
  );
  const body =
    outcome.kind === 'block'
      ? h(BlockView, { block: outcome.block, now, onSearch })
      : outcome.kind === 'transaction'
        ? h(TransactionView, { transaction: outcome.transaction, now, onSearch })
        : outcome.kind === 'account'
          ? h(AccountView, { account: outcome.account, onSearch })
          : h('p', { class: 'empty' }, outcome.message);
  return h(
    'section',
    { class: 'panel result-panel', 'data-testid': 'search-result', 'data-kind': outcome.kind },
    close,
    body,
  );
}

function BlockView(props: { readonly block: BlockDetail; readonly now: number; readonly onSearch: OnSearch }) {
  const { block, onSearch } = props;
  return h(
    'div',
    null,
    h(
      'header',
      { class: 'result-header' },
      h('span', { class: 'kind' }, 'Block'),
      h('h2', { 'data-testid': 'result-title' }, `#${formatInteger(block.index)}`),
      h(
        'span',
        { class: `status-pill ${block.isBest ? 'reachable' : 'unknown'}` },
        block.isBest ? `${block.confirmations} confirmations` : 'side branch',
      ),
    ),
    h(
      'dl',
      { class: 'fields' },
      field('Hash', h('span', { class: 'mono wrap', 'data-testid': 'result-hash' }, block.hash)),
      field(
        'Previous',
        block.index === 1
          ? h('span', { class: 'muted' }, 'none (genesis)')
          : h(HashLink, { value: block.previousHash, text: shortHash(block.previousHash, 12, 8), onSearch }),
      ),
      field('Mined', `${formatTimestamp(block.timestamp)} (${formatAgo(block.timestamp, props.now)})`),
      field('Difficulty', `${block.difficulty} bits`),
      field('Proof', formatInteger(block.proof)),
      field('Size', `${formatInteger(block.size)} bytes`),
      field('Merkle root', h('span', { class: 'mono', title: block.merkleRoot }, shortHash(block.merkleRoot, 12, 8))),
      field('Total work', formatCompact(Number(block.totalWork))),
    ),
    h('h3', null, `${block.transactionCount} transaction${block.transactionCount === 1 ? '' : 's'}`),
    h(TransactionTable, { transactions: block.transactions, onSearch }),
  );
}

function TransactionView(props: {
  readonly transaction: TransactionDetail;
  readonly now: number;
  readonly onSearch: OnSearch;
}) {
  const { transaction, onSearch } = props;
  return h(
    'div',
    null,
    h(
      'header',
      { class: 'result-header' },
      h('span', { class: 'kind' }, transaction.isReward ? 'Mining reward' : 'Transaction'),
      h(
        'h2',
        { class: 'mono', title: transaction.id, 'data-testid': 'result-title' },
        shortHash(transaction.id, 12, 8),
      ),
      h(
        'span',
        { class: `status-pill ${transaction.status === 'CONFIRMED' ? 'reachable' : 'unknown'}` },
        transaction.status.toLowerCase(),
      ),
    ),
    h(
      'dl',
      { class: 'fields' },
      field('Id', h('span', { class: 'mono wrap' }, transaction.id)),
      field('Amount', h('span', { class: 'big-number' }, formatInteger(transaction.amount))),
      field(
        'From',
        transaction.sender === '0'
          ? h('span', { class: 'muted' }, '0 (new coins: the block reward)')
          : h(HashLink, { value: transaction.sender, text: shortHash(transaction.sender, 12, 8), onSearch }),
      ),
      field(
        'To',
        h(HashLink, { value: transaction.recipient, text: shortHash(transaction.recipient, 12, 8), onSearch }),
      ),
      field(
        'Block',
        transaction.block === null
          ? h('span', { class: 'muted' }, 'pending in the mempool')
          : h(
              'span',
              null,
              h(
                'button',
                { type: 'button', class: 'hash-link', onClick: () => onSearch(String(transaction.block!.index)) },
                `#${formatInteger(transaction.block.index)}`,
              ),
              ` at position ${transaction.position ?? 0}, ${formatAgo(transaction.block.timestamp, props.now)}`,
            ),
      ),
      field('Nonce', String(transaction.nonce)),
      field(
        'Signature',
        transaction.signature === null
          ? h('span', { class: 'muted' }, 'none (rewards are unsigned)')
          : h('span', { class: 'mono', title: transaction.signature }, shortHash(transaction.signature, 12, 8)),
      ),
    ),
  );
}

function AccountView(props: { readonly account: AccountDetail; readonly onSearch: OnSearch }) {
  const { account, onSearch } = props;
  const pendingChange = account.pendingBalance - account.balance;
  return h(
    'div',
    null,
    h(
      'header',
      { class: 'result-header' },
      h('span', { class: 'kind' }, 'Account'),
      h(
        'h2',
        { class: 'mono', title: account.address, 'data-testid': 'result-title' },
        shortHash(account.address, 12, 8),
      ),
    ),
    h(
      'div',
      { class: 'account-summary' },
      h(
        'div',
        null,
        h('div', { class: 'tile-label' }, 'Balance'),
        h('div', { class: 'big-number', 'data-testid': 'account-balance' }, formatInteger(account.balance)),
      ),
      h(
        'div',
        null,
        h('div', { class: 'tile-label' }, 'Pending'),
        h(
          'div',
          { class: 'medium-number' },
          pendingChange === 0 ? '±0' : `${pendingChange > 0 ? '+' : ''}${formatInteger(pendingChange)}`,
        ),
      ),
      h(
        'div',
        null,
        h('div', { class: 'tile-label' }, 'Nonce'),
        h(
          'div',
          { class: 'medium-number', 'data-testid': 'account-nonce' },
          account.pendingNonce === account.nonce
            ? String(account.nonce)
            : `${account.nonce} (next ${account.pendingNonce})`,
        ),
      ),
      h(
        'div',
        null,
        h('div', { class: 'tile-label' }, 'Transactions'),
        h('div', { class: 'medium-number' }, formatInteger(account.transactionCount)),
      ),
    ),
    h(
      'dl',
      { class: 'fields' },
      field('Address', h('span', { class: 'mono wrap', 'data-testid': 'result-address' }, account.address)),
    ),
    account.transactions.length === 0
      ? h('p', { class: 'empty' }, 'No transactions on the best chain.')
      : h(
          'div',
          null,
          h(
            'h3',
            null,
            account.transactionCount > account.transactions.length
              ? `Latest ${account.transactions.length} transactions`
              : 'Transactions',
          ),
          h(TransactionTable, { transactions: account.transactions, onSearch, perspective: account.address }),
        ),
  );
}

function TransactionTable(props: {
  readonly transactions: readonly TransactionSummary[];
  readonly onSearch: OnSearch;
  readonly perspective?: string;
}) {
  const { onSearch, perspective } = props;
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'table' },
      transactionTableHead('Block'),
      h(
        'tbody',
        null,
        props.transactions.map((transaction) => {
          const sign = perspective === undefined ? '' : transaction.recipient === perspective ? '+' : '−';
          const sender = transaction.isReward ? null : transaction.sender;
          return h(
            'tr',
            { key: transaction.id },
            ...transactionCells({ id: transaction.id, sender, recipient: transaction.recipient }, onSearch),
            h(
              'td',
              { class: `num strong ${sign === '+' ? 'gain' : sign === '−' ? 'loss' : ''}` },
              `${sign}${formatInteger(transaction.amount)}`,
            ),
            h('td', { class: 'num muted' }, transaction.blockIndex === null ? 'pending' : `#${transaction.blockIndex}`),
          );
        }),
      ),
    ),
  );
}

function field(label: string, value: ComponentChildren) {
  return h('div', { class: 'field' }, h('dt', null, label), h('dd', null, value));
}
