/// <reference lib="dom" />
import { h } from 'preact';
import type { ConnectionState } from '../connectLive.js';

/** The WebSocket's state: live (green), connecting (amber), or waiting to retry with a countdown and a retry button. */
export function ConnectionBadge(props: {
  readonly state: ConnectionState;
  readonly now: number;
  readonly onRetry: () => void;
}) {
  const { state } = props;
  if (state.kind === 'live') {
    return h(
      'div',
      {
        class: 'connection live',
        'data-testid': 'connection',
        'data-state': 'live',
        title: 'Subscribed over WebSocket',
      },
      h('span', { class: 'dot' }),
      'Live',
    );
  }
  if (state.kind === 'connecting') {
    return h(
      'div',
      { class: 'connection connecting', 'data-testid': 'connection', 'data-state': 'connecting' },
      h('span', { class: 'dot' }),
      state.attempt > 1 ? `Reconnecting… (attempt ${state.attempt})` : 'Connecting…',
    );
  }
  const seconds = Math.max(0, Math.ceil((state.retryAt - props.now) / 1000));
  return h(
    'div',
    { class: 'connection offline', 'data-testid': 'connection', 'data-state': 'offline', title: state.reason },
    h('span', { class: 'dot' }),
    h('span', null, `Offline: ${state.reason}. Retrying in ${seconds} s`),
    h('button', { type: 'button', class: 'link-button', onClick: props.onRetry }, 'Retry now'),
  );
}
