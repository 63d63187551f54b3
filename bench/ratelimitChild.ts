/**
 * The child processes of bench/ratelimit.bench.ts (forked from it, so their CPU stays off the measuring clients' event
 * loop), and the POST both sides send. Roles, by the first argument:
 * - `hammer`: an over-the-limit client. Each IPC message `HammerOrder` starts a run from its loopback source
 *   address(es), paced at `rate` requests/s or closed-loop with `concurrency` requests in flight; it answers
 *   `'started'`, then a `HammerResult` when the run is over.
 * - `bare429`: a bare node:http server that answers every request with the 429 (status, headers, body) it is given in
 *   the second argument as JSON, without reading the body (as the node refuses before reading it); it sends its port.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

/** What a request ended with: the HTTP status, or -1 for a socket error. */
export function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('error', () => resolve(-1));
        res.on('end', () => resolve(res.statusCode ?? -1));
        res.resume();
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

export interface HammerOrder {
  readonly url: string;
  /** Source addresses: one is one client; with several, requests take them in turn (the bench's warm-up). */
  readonly localAddresses: readonly string[];
  readonly body: string;
  readonly seconds: number;
  /** Requests per second, sent on a timer whatever the answers (open loop); or: */
  readonly rate?: number;
  /** Requests in flight, each sent as soon as the one before it is answered (closed loop). */
  readonly concurrency?: number;
}

export interface HammerResult {
  readonly sent: number;
  readonly admitted: number;
  readonly refused: number;
  /** Other statuses and socket errors. */
  readonly other: number;
  readonly seconds: number;
  /** CPU time of the hammer process over the run (user + system), ms. */
  readonly cpuMs: number;
}

async function hammer(order: HammerOrder): Promise<HammerResult> {
  const url = new URL(order.url);
  // Open loop: a cap on sockets keeps a stalled server from making the hammer open thousands of them.
  const agents = order.localAddresses.map(
    (localAddress) => new Agent({ keepAlive: true, localAddress, maxSockets: order.concurrency ?? 64 }),
  );
  const counts = { sent: 0, admitted: 0, refused: 0, other: 0 };
  const count = (status: number) => {
    if (status === 200) counts.admitted++;
    else if (status === 429) counts.refused++;
    else counts.other++;
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + order.seconds * 1000;
  if (order.concurrency !== undefined) {
    await Promise.all(
      Array.from({ length: order.concurrency }, async (_, i) => {
        const agent = agents[i % agents.length]!;
        while (performance.now() < end) {
          counts.sent++;
          count(await post(agent, url, order.body));
        }
      }),
    );
  } else {
    const rate = order.rate!;
    const inFlight: Array<Promise<void>> = [];
    await new Promise<void>((resolve) => {
      // Every 5 ms, whatever is due by now: timer lateness turns into small bursts, not a lower rate.
      const timer = setInterval(() => {
        const now = performance.now();
        const due = Math.floor(((Math.min(now, end) - started) / 1000) * rate);
        while (counts.sent < due) {
          inFlight.push(post(agents[counts.sent % agents.length]!, url, order.body).then(count));
          counts.sent++;
        }
        if (now >= end) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await Promise.all(inFlight);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  for (const agent of agents) agent.destroy();
  return { ...counts, seconds, cpuMs: (used.user + used.system) / 1000 };
}

function bare429(refusal: { status: number; headers: Record<string, string>; body: string }): void {
  const server = createServer((_req, res) => {
    res.writeHead(refusal.status, refusal.headers);
    res.end(refusal.body);
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === 'hammer') {
    process.on('message', (order: HammerOrder) => {
      process.send!('started');
      void hammer(order).then((result) => process.send!(result));
    });
    process.on('disconnect', () => process.exit(0));
  } else if (process.argv[2] === 'bare429') {
    bare429(JSON.parse(process.argv[3]!));
  } else {
    throw new Error('usage: ratelimitChild.ts hammer | bare429 <refusal JSON>');
  }
}
