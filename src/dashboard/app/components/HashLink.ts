/// <reference lib="dom" />
import { h } from 'preact';

/** A hash, id or address that looks itself up in the search box when clicked. */
export function HashLink(props: {
  readonly value: string;
  readonly text: string;
  readonly onSearch: (text: string) => void;
}) {
  return h(
    'button',
    {
      type: 'button',
      class: 'hash-link mono',
      title: `${props.value}\n(click to look it up)`,
      onClick: () => props.onSearch(props.value),
    },
    props.text,
  );
}
