import type { ServerResponse } from 'node:http';
import { type ExecutionResult, GraphQLError } from 'graphql';
import { COMPLETE, frameOf, PING, PING_EVERY_MS } from './sseFrames.js';
import type { SharedSubscriber, SubscriberSink } from './subscriptionMultiplexer.js';

/**
 * Server-sent events written straight to the node response: the frames of an sseResponse (sseFrames.ts), without its
 * body stream. Through the body, each event of each subscriber went through a web ReadableStream, its reader and
 * @whatwg-node's pump, and HTTP's chunked encoding of every write (four pieces, a tick later): at 10,000 subscribers
 * of one block, that plumbing and its garbage cost more CPU than the socket writes themselves. Here a frame goes to
 * each socket as one piece, chunk framing included, built once per payload for all subscribers.
 *
 * A subscriber is released as soon as its client goes away (the response's `close`). One whose socket holds more
 * than `backlog` unsent frames is ended as one that falls behind its shared stream is (cutOff); the others go on.
 * One timer pings them all, a slice at a time, and only those sent nothing since their last ping (PingWheel). A
 * subscriber of a shared stream is not read at all: the stream's loop over its subscribers writes it (its sink).
 */
export function serveSse(
  response: Response,
  stream: AsyncIterator<ExecutionResult>,
  res: ServerResponse,
  backlog: number,
  shared?: SharedSubscriber,
): void {
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.writeHead(response.status);
  // The head and the first ping in one write: some browsers wait for a first byte of the body.
  res.write(PING);
  const subscriber = new Subscriber(res, backlog);
  const stop = () => {
    subscriber.closed = true;
    pings.remove(subscriber);
    void stream.return?.();
  };
  res.once('close', stop);
  pings.add(subscriber);
  const cut = () => {
    res.off('close', stop);
    stop();
    cutOff(res, backlog);
  };
  const read = async () => {
    try {
      while (!subscriber.closed) {
        const step = await stream.next();
        if (subscriber.closed) return;
        if (step.done === true) {
          res.off('close', stop);
          pings.remove(subscriber);
          res.end(COMPLETE);
          return;
        }
        if (!subscriber.send(step.value)) {
          cut();
          return;
        }
      }
    } catch {
      // yoga turns a stream's failure into an error payload, so this is unexpected: the client sees its connection cut.
      res.destroy();
    }
  };
  // A subscriber of a shared stream is written by the stream's loop over all its subscribers (no promise per event);
  // the end of the stream, whichever it is, is read from the stream as before.
  const sink: SubscriberSink = {
    write(result) {
      if (subscriber.closed || subscriber.send(result)) return true;
      cut();
      return false;
    },
    resume() {
      if (!subscriber.closed) void read();
    },
  };
  if (shared?.attach(stream, sink) !== true) void read();
}

/**
 * Ends a subscriber that fell more than `backlog` frames behind as a shared stream ends one whose queue overflows
 * (an error payload, then `complete`), its slot released at once. A client that does not read on is cut off after
 * PING_EVERY_MS, so the frames it left unread are not held for ever.
 */
function cutOff(res: ServerResponse, backlog: number): void {
  const error = { errors: [new GraphQLError(`subscriber fell more than ${backlog} events behind; resubscribe`)] };
  res.end(Buffer.concat([frameOf(error), COMPLETE]));
  const timer = setTimeout(() => res.destroy(), PING_EVERY_MS);
  timer.unref();
  res.once('finish', () => clearTimeout(timer));
  res.once('close', () => clearTimeout(timer));
}

/** One SSE response being written. */
class Subscriber {
  readonly #res: ServerResponse;
  readonly #backlog: number;
  closed = false;
  /** A frame went out since its last ping turn: the connection needs no ping this turn. */
  #sent = false;
  /** Its slice of the ping wheel. */
  slice: Set<Subscriber> | undefined;

  constructor(res: ServerResponse, backlog: number) {
    this.#res = res;
    this.#backlog = backlog;
  }

  /** Writes a payload's frame; false when the socket holds more than the backlog of frames unsent. */
  send(result: ExecutionResult): boolean {
    const res = this.#res;
    const socket = res.socket;
    if (socket?.destroyed === true) return true;
    let frame: Uint8Array;
    let buffered: number;
    // The socket is this response's while it is set (a pipelined response waits without one): the frame goes to it
    // as one chunk, encoded once for all subscribers. HTTP/1.0 clients (no chunked encoding) get it through res.
    if (socket !== null && res.chunkedEncoding) {
      frame = chunkOf(result);
      socket.write(frame);
      buffered = socket.writableLength;
    } else {
      frame = frameOf(result);
      res.write(frame);
      buffered = res.writableLength + (socket?.writableLength ?? 0);
    }
    this.#sent = true;
    return buffered <= this.#backlog * frame.byteLength;
  }

  ping(): void {
    const res = this.#res;
    const socket = res.socket;
    // A frame sent since its last turn, or one still waiting to be sent, keeps the connection alive already. So the
    // connection is never silent for two periods in a row (yoga's stream pings every period whatever it sent).
    const sent = this.#sent;
    this.#sent = false;
    if (sent || socket === null || socket.destroyed || socket.writableLength > 0) return;
    if (res.chunkedEncoding) socket.write(PING_CHUNK);
    else res.write(PING);
  }
}

/** Each payload's SSE frame as one HTTP chunk (size line, frame, CRLF), built once for all its subscribers. */
const chunks = new WeakMap<ExecutionResult, Uint8Array>();

function chunked(frame: Uint8Array): Uint8Array {
  const head = `${frame.byteLength.toString(16)}\r\n`;
  const chunk = Buffer.allocUnsafe(head.length + frame.byteLength + 2);
  chunk.write(head, 0, 'latin1');
  chunk.set(frame, head.length);
  chunk.write('\r\n', head.length + frame.byteLength, 'latin1');
  return chunk;
}

/** The last payload chunked: a shared stream's loop asks for one payload's chunk once per subscriber in a row. */
let lastResult: ExecutionResult | undefined;
let lastChunk: Uint8Array | undefined;

function chunkOf(result: ExecutionResult): Uint8Array {
  if (result === lastResult) return lastChunk!;
  let chunk = chunks.get(result);
  if (chunk === undefined) {
    chunk = chunked(frameOf(result));
    chunks.set(result, chunk);
  }
  lastResult = result;
  lastChunk = chunk;
  return chunk;
}

const PING_CHUNK = chunked(PING);

/**
 * The keep-alive pings of every raw SSE response, from one timer: the subscribers are dealt round-robin into
 * PING_SLICES slices, and each tick (every PING_EVERY_MS / PING_SLICES) pings one slice, so each subscriber is pinged
 * every PING_EVERY_MS and the writes are spread over the period instead of one timer per subscriber.
 */
const PING_SLICES = 12;

class PingWheel {
  readonly #slices: Array<Set<Subscriber>> = Array.from({ length: PING_SLICES }, () => new Set());
  #size = 0;
  #dealt = 0;
  #turn = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  add(subscriber: Subscriber): void {
    if (subscriber.slice !== undefined) return;
    subscriber.slice = this.#slices[this.#dealt++ % PING_SLICES]!;
    subscriber.slice.add(subscriber);
    this.#size++;
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), PING_EVERY_MS / PING_SLICES);
      // Open responses keep the process running, not their pings.
      this.#timer.unref();
    }
  }

  remove(subscriber: Subscriber): void {
    if (subscriber.slice === undefined) return;
    subscriber.slice.delete(subscriber);
    subscriber.slice = undefined;
    if (--this.#size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #tick(): void {
    const slice = this.#slices[this.#turn++ % PING_SLICES]!;
    for (const subscriber of slice) subscriber.ping();
  }
}

const pings = new PingWheel();
