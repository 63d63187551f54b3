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
const now = () => Date.now();

/** Receipt times per block index, one entry per subscriber that got it. */
const received = new Map<number, number[]>();
// The clients are not what is measured, and they share the node's cores: each chunk is scanned as bytes for the
// block indexes it holds, never decoded to a string.
const INDEX = Buffer.from('"index":');
const ERROR = Buffer.from('"error"');
const HTTP_OK = Buffer.from('HTTP/1.1 200');
const CONNECTION_ACK = Buffer.from('{"type":"connection_ack"');
const ZERO = 0x30;
/** Records the receipt of every block index in `chunk`; false when it holds none. */
const record = (chunk: Buffer): boolean => {
  let at: number | undefined;
  for (let found = chunk.indexOf(INDEX); found !== -1; found = chunk.indexOf(INDEX, found + INDEX.length)) {
    let index = 0;
    for (let i = found + INDEX.length; i < chunk.length && chunk[i]! >= ZERO && chunk[i]! <= ZERO + 9; i++)
      index = index * 10 + chunk[i]! - ZERO;
    at ??= now();
    const times = received.get(index) ?? [];
    if (times.length === 0) received.set(index, times);
    times.push(at);
  }
  return at !== undefined;
};

function openSse(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: QUERY });
    const socket = connect({ host: target.hostname, port: Number(target.port), localAddress });
    let opened = false;
    socket.on('connect', () => {
      socket.write(
        `POST ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nContent-Type: application/json\r\n` +
          `Accept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      if (!opened) {
        // The status line and yoga's first ping (":") arrive once the subscription is set up.
        if (chunk.indexOf(HTTP_OK) !== 0) reject(new Error(`SSE refused: ${chunk.toString('utf8', 0, 300)}`));
        opened = true;
        resolve(socket);
      }
      record(chunk);
    });
    socket.on('error', reject);
  });
}

function openWs(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { localAddress });
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      if (data.indexOf(CONNECTION_ACK) === 0) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
        resolve(socket);
        return;
      }
      if (!record(data) && data.indexOf(ERROR) !== -1)
        reject(new Error(`graphql-ws error: ${data.toString('utf8', 0, 300)}`));
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
