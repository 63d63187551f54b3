import { PeerProtocolError } from './peerApi.js';

/**
 * A fetch that refuses responses larger than `maxBytes`: by the declared Content-Length before reading, and by
 * counting while streaming (for responses that do not declare a length or lie about it). The request's own signal
 * (a per-request timeout) also bounds how long the body may take.
 */
export function createCappedFetch(maxBytes: number, baseFetch: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await baseFetch(input, init);
    const declared = Number(response.headers.get('content-length') ?? 'NaN');
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new PeerProtocolError(`the response declares ${declared} bytes, over the ${maxBytes}-byte cap`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (response.body !== null) {
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => {});
          throw new PeerProtocolError(`the response exceeds the ${maxBytes}-byte cap`);
        }
        chunks.push(value);
      }
    }
    return new Response(Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
