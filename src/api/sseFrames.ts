import type { ExecutionResult } from 'graphql';

/** yoga's SSE keep-alive: a comment line, first at once (some browsers wait for a first byte), then every 12 s. */
export const PING = new TextEncoder().encode(':\n\n');
export const COMPLETE = new TextEncoder().encode('event: complete\ndata:\n\n');
// As yoga's own processor: every 300 ms under NODE_ENV=test (vitest sets it). A cancelled stream is released only once
// its read in flight settles, which a ping does: 12 s would hold every test's subscriptions that long after it ended.
export const PING_EVERY_MS = globalThis.process?.env?.['NODE_ENV'] === 'test' ? 300 : 12_000;

/** Each payload's SSE frame, encoded once however many subscribers it goes to (a shared stream's payloads). */
const frames = new WeakMap<object, Uint8Array>();

/** The JSON of a result as clients see it: without the `http` extension and errors' internal extensions. */
function publicJson(result: ExecutionResult): string {
  const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  if ((result.errors === undefined || result.errors.length === 0) && _http === undefined) return JSON.stringify(result);
  return JSON.stringify({
    ...result,
    errors: result.errors?.map((error) => {
      const json = typeof error.toJSON === 'function' ? error.toJSON() : error;
      const { http: _status, unexpected: _unexpected, ...rest } = (json.extensions ?? {}) as Record<string, unknown>;
      return { ...json, extensions: Object.keys(rest).length > 0 ? rest : undefined };
    }),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  });
}

/** The `event: next` frame of a payload, in one piece (one socket write per subscriber and event). */
export function frameOf(result: ExecutionResult): Uint8Array {
  let frame = frames.get(result);
  if (frame === undefined) {
    frame = new TextEncoder().encode(`event: next\ndata: ${publicJson(result)}\n\n`);
    frames.set(result, frame);
  }
  return frame;
}

/** A response of sseResponse: its stream, for a server that writes the frames itself (rawSse.ts). */
const streams = new WeakMap<Response, AsyncIterator<ExecutionResult>>();

/**
 * The stream of a response made by sseResponse, for a server that writes its frames to the socket itself instead of
 * reading its body (then never read); undefined for any other response (or one a plugin replaced since).
 */
export function sseStreamOf(response: Response): AsyncIterator<ExecutionResult> | undefined {
  return streams.get(response);
}

/**
 * A subscription's stream as server-sent events, as yoga's own SSE processor frames them (a ping first, `event: next`
 * per payload, `event: complete` at the end), but each payload framed and encoded once for all the subscribers of a
 * shared stream, and written as one chunk: yoga's writes each payload as two chunks, so two socket writes per
 * subscriber and event, and encodes it again for every subscriber. The body starts (first ping, first read of the
 * stream) only once it is read: the HTTP server writes the frames of its own responses without it (sseStreamOf).
 */
export function sseResponse(
  result: AsyncIterable<ExecutionResult>,
  fetchAPI: { ReadableStream: typeof ReadableStream; Response: typeof Response },
): Response {
  const iterator = result[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  const body = new fetchAPI.ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ping === undefined) {
          controller.enqueue(PING);
          // No room (desiredSize below 0) means a frame is waiting to be read: no ping is needed.
          ping = setInterval(() => {
            if (controller.desiredSize === null) clearInterval(ping);
            else if (controller.desiredSize >= 0) controller.enqueue(PING);
          }, PING_EVERY_MS);
          return;
        }
        try {
          const step = await iterator.next();
          if (step.done === true) {
            clearInterval(ping);
            controller.enqueue(COMPLETE);
            controller.close();
            return;
          }
          controller.enqueue(frameOf(step.value));
        } catch (error) {
          clearInterval(ping);
          controller.error(error);
        }
      },
      async cancel(reason) {
        clearInterval(ping);
        await iterator.return?.(reason);
      },
    },
    // Nothing is pulled before a read: a stream whose frames the server writes itself never starts.
    { highWaterMark: 0 },
  );
  const response = new fetchAPI.Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/event-stream',
      connection: 'keep-alive',
      'cache-control': 'no-cache',
      'content-encoding': 'none',
    },
  });
  streams.set(response, iterator);
  return response;
}
