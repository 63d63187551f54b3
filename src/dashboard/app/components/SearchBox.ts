/// <reference lib="dom" />
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** The search field: submits what was typed; `value` lets a click elsewhere (a hash, a block) fill it in. */
export function SearchBox(props: {
  readonly value: string;
  readonly busy: boolean;
  readonly onSearch: (text: string) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return h(
    'form',
    {
      class: 'search',
      role: 'search',
      onSubmit: (event: Event) => {
        event.preventDefault();
        if (text.trim() !== '') props.onSearch(text);
      },
    },
    h('input', {
      type: 'search',
      name: 'q',
      value: text,
      placeholder: 'Block index, block hash, transaction id or address',
      'aria-label': 'Search the chain',
      autoComplete: 'off',
      spellcheck: false,
      'data-testid': 'search-input',
      onInput: (event: Event) => setText((event.currentTarget as HTMLInputElement).value),
    }),
    h(
      'button',
      { type: 'submit', class: 'search-button', disabled: props.busy, 'data-testid': 'search-button' },
      props.busy ? '…' : 'Search',
    ),
  );
}
