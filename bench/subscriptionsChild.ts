/**
 * One client process of bench/subscriptions.bench.ts: opens `count` newBlock subscriptions over SSE (raw HTTP/1.1
 * sockets, the least client CPU per subscriber) or graphql-ws (one `ws` socket each), from the loopback source address
 * it is given, and reports when each block index reached each subscriber (wall-clock ms, as the node logs).
 *
 * Messages: parent → { kind: 'report', index } asks for the receipt times of block `index`; child → 'ready' once every
 * subscription is open, then { index, times } per report request.
 */
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';

const [transport, url, countText, localAddress] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countText);
const target = new URL(url);
const QUERY = 'subscription NewBlock { newBlock { index hash previousHash timestamp transactionCount } }';
const INDEX = /"index":(\d+)/g;
const now = () => Date.now();

/** Receipt times per block index, one entry per subscriber that got it. */
const received = new Map<number, number[]>();
const record = (text: string) => {
  const at = now();
  for (const match of text.matchAll(INDEX)) {
    const index = Number(match[1]);
    const times = received.get(index) ?? [];
    if (times.length === 0) received.set(index, times);
    times.push(at);
  }
};

function openSse(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: QUERY });
    const socket = connect({ host: target.hostname, port: Number(target.port), localAddress });
    let opened = false;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
          `Accept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('data', (chunk: string) => {
      if (!opened) {
        // The status line and yoga's first ping (":") arrive once the subscription is set up.
        if (!chunk.startsWith('HTTP/1.1 200')) reject(new Error(`SSE refused: ${chunk.slice(0, 300)}`));
        opened = true;
        resolve(socket);
      }
      if (chunk.includes('"index"')) record(chunk);
    });
    socket.on('error', reject);
  });
}

function openWs(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { localAddress });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('{"type":"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
        resolve(socket);
        return;
      }
      if (text.includes('"index"')) record(text);
      else if (text.includes('"error"')) reject(new Error(`graphql-ws error: ${text.slice(0, 300)}`));
    });
    socket.on('error', reject);
  });
}

const open = transport === 'sse' ? openSse : openWs;
const sockets: Array<Socket | WebSocket> = [];
for (let started = 0; started < count; started += 100) {
  const batch = Math.min(100, count - started);
  sockets.push(...(await Promise.all(Array.from({ length: batch }, () => open()))));
}
process.send!('ready');
process.on('message', (message: { kind: string; index: number }) => {
  if (message.kind === 'report') process.send!({ index: message.index, times: received.get(message.index) ?? [] });
  if (message.kind === 'close') {
    for (const socket of sockets) {
      if (socket instanceof WebSocket) socket.terminate();
      else socket.destroy();
    }
    process.exit(0);
  }
});
