import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearSignatureCache,
  createRewardTransaction,
  hasValidSignature,
  signatureCheckOf,
} from '../../src/chain/transaction.js';
import type { Transaction } from '../../src/chain/types.js';
import { SignaturePool, type SignaturePoolOptions } from '../../src/node/signaturePool.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

/** The amount that makes crashingSignatureWorker.ts kill its thread. */
const CRASH_AMOUNT = 666;
const CRASHING_WORKER = new URL('./crashingSignatureWorker.ts', import.meta.url);
const SILENT_WORKER = new URL('./silentSignatureWorker.ts', import.meta.url);
const BUILT_WORKER = new URL('../../dist/node/signatureWorker.js', import.meta.url);

/** `count` transfers from alice with consecutive nonces; `invalidAt` positions carry another payload's signature. */
function transfers(count: number, invalidAt: readonly number[] = [], firstNonce = 0): Transaction[] {
  return Array.from({ length: count }, (_, i) => {
    const tx = transfer(alice, bob, 1 + (i % 50), firstNonce + i);
    return invalidAt.includes(i) ? { ...tx, signature: transfer(alice, carol, 7, firstNonce + i).signature } : tx;
  });
}

/** The sequential verdicts: hasValidSignature on a cold cache, as validation on one thread decides. */
function sequentialVerdicts(txs: readonly Transaction[]): boolean[] {
  clearSignatureCache();
  const verdicts = txs.map((tx) => hasValidSignature(tx));
  clearSignatureCache();
  return verdicts;
}

/** Which transfers the signature cache holds (signatureCheckOf has nothing left to check for those). */
const cached = (txs: readonly Transaction[]) => txs.map((tx) => signatureCheckOf(tx) === undefined);

const pools: SignaturePool[] = [];
function pool(options: SignaturePoolOptions = {}): SignaturePool {
  const created = new SignaturePool({ threads: 2, minChecks: 8, batchChecks: 16, ...options });
  pools.push(created);
  return created;
}

beforeEach(() => clearSignatureCache());
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

describe('SignaturePool (signature checks on worker threads ahead of validation)', () => {
  it.each([
    ['all valid', []],
    ['all invalid', Array.from({ length: 40 }, (_, i) => i)],
    ['mixed, an invalid one in the middle of a batch', [3, 21, 22, 39]],
  ])('caches exactly the signatures the sequential check accepts: %s', async (_name, invalidAt) => {
    const txs = transfers(40, invalidAt);
    const expected = sequentialVerdicts(txs);
    const outcome = await pool().preverify(txs);
    expect(outcome).toEqual({ valid: 40 - invalidAt.length, invalid: invalidAt.length, unchecked: 0 });
    expect(cached(txs)).toEqual(expected);
    expect(txs.map((tx) => hasValidSignature(tx))).toEqual(expected);
  });

  it('skips the reward and what the cache already holds, and leaves a handful to validation', async () => {
    const txs = transfers(20);
    hasValidSignature(txs[0]!);
    const reward = createRewardTransaction(2, alice.address, 1);
    expect(await pool({ minChecks: 20 }).preverify([reward, ...txs])).toEqual({ valid: 0, invalid: 0, unchecked: 19 });
    expect(cached(txs)).toEqual([true, ...Array(19).fill(false)]);
    expect(await pool({ minChecks: 19 }).preverify([reward, ...txs])).toEqual({ valid: 19, invalid: 0, unchecked: 0 });
  });

  it('runs from the built worker (dist/node/signatureWorker.js) as from source', async () => {
    const txs = transfers(32, [5]);
    expect(await pool({ workerUrl: BUILT_WORKER }).preverify(txs)).toEqual({ valid: 31, invalid: 1, unchecked: 0 });
    expect(cached(txs)).toEqual(sequentialVerdicts(txs));
  });

  it('survives a crashed worker: the crashed batch is left to validation and a replacement takes the next', async () => {
    const crashing = pool({ workerUrl: CRASHING_WORKER, threads: 1, batchChecks: 8 });
    const txs = transfers(40);
    txs[20] = transfer(alice, bob, CRASH_AMOUNT, 20);
    const expected = sequentialVerdicts(txs);
    const outcome = await crashing.preverify(txs);
    // The worker died holding the batch 16..23 (and perhaps 24..31): those go unchecked; a replacement took 32..39.
    expect(outcome.invalid).toBe(0);
    expect(outcome.valid + outcome.unchecked).toBe(40);
    expect(outcome.unchecked).toBeGreaterThanOrEqual(8);
    expect(cached(txs).slice(16, 24)).toEqual(Array(8).fill(false));
    expect(cached(txs).slice(32)).toEqual(Array(8).fill(true));
    expect(crashing.active).toBe(true);
    const next = transfers(16, [2], 100);
    expect(await crashing.preverify(next)).toEqual({ valid: 15, invalid: 0 + 1, unchecked: 0 });
    // Validation decides the unchecked ones itself, exactly as on one thread.
    expect(txs.map((tx) => hasValidSignature(tx))).toEqual(expected);
  });

  it('falls back to validation alone when workers crash again and again', async () => {
    const crashing = pool({ workerUrl: CRASHING_WORKER, batchChecks: 8 });
    const txs = transfers(64).map((tx, i) => (i % 8 === 0 ? transfer(alice, bob, CRASH_AMOUNT, tx.nonce) : tx));
    const outcome = await crashing.preverify(txs);
    expect(outcome).toEqual({ valid: 0, invalid: 0, unchecked: 64 });
    expect(crashing.active).toBe(false);
    expect(await crashing.preverify(transfers(16, [], 100))).toEqual({ valid: 0, invalid: 0, unchecked: 0 });
    expect(cached(txs).some(Boolean)).toBe(false);
  });

  it('lets the waiting thread verify batches no worker has taken yet, with the same verdicts', async () => {
    const helped = pool({ threads: 1, batchChecks: 8 });
    const txs = transfers(40, [18, 33]);
    const expected = sequentialVerdicts(txs);
    const outcome = helped.preverify(txs);
    // The one worker holds batches 0..7 and 8..15; 16..23 is the oldest still queued.
    expect(helped.verifyQueuedBatch()).toBe(true);
    expect(cached(txs).slice(16, 24)).toEqual(expected.slice(16, 24));
    expect(await outcome).toEqual({ valid: 38, invalid: 2, unchecked: 0 });
    expect(cached(txs)).toEqual(expected);
    expect(helped.verifyQueuedBatch()).toBe(false);
  });

  it('lets the waiting thread verify batches a worker holds but has not answered (a worker starved of CPU)', async () => {
    const stalled = pool({ workerUrl: SILENT_WORKER, threads: 1, batchChecks: 8 });
    await stalled.start();
    const txs = transfers(16, [9]);
    const expected = sequentialVerdicts(txs);
    const outcome = stalled.preverify(txs);
    expect(stalled.verifyQueuedBatch()).toBe(true);
    expect(stalled.verifyQueuedBatch()).toBe(true);
    expect(stalled.verifyQueuedBatch()).toBe(false);
    expect(await outcome).toEqual({ valid: 15, invalid: 1, unchecked: 0 });
    expect(cached(txs)).toEqual(expected);
  });

  it('starts its workers ahead on start (a node does at its start), and settles even when they fail to load', async () => {
    const started = pool();
    await started.start();
    expect(await started.preverify(transfers(16, [1]))).toEqual({ valid: 15, invalid: 1, unchecked: 0 });
    const missing = pool({ workerUrl: new URL('./noSuchWorker.mjs', import.meta.url) });
    await missing.start();
    expect(await missing.preverify(transfers(16, [], 50))).toEqual({ valid: 0, invalid: 0, unchecked: 16 });
  });

  it('checks nothing with 0 threads or once closed, and settles what was in flight', async () => {
    expect(await pool({ threads: 0 }).preverify(transfers(16))).toEqual({ valid: 0, invalid: 0, unchecked: 0 });
    const closing = pool();
    const inFlight = closing.preverify(transfers(64));
    await closing.close();
    const outcome = await inFlight;
    expect(outcome.valid + outcome.invalid + outcome.unchecked).toBe(64);
    expect(closing.active).toBe(false);
    expect(await closing.preverify(transfers(16, [], 200))).toEqual({ valid: 0, invalid: 0, unchecked: 0 });
  });

  it('sends the submitted checks of one turn to the workers in one message, with the sequential verdicts', async () => {
    const submissions = pool({ batchChecks: 128 });
    await submissions.start();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    const txs = transfers(10, [4]);
    const expected = sequentialVerdicts(txs);
    await Promise.all(txs.map((tx) => submissions.preverifySoon([tx])));
    expect(posted).toHaveBeenCalledTimes(1);
    expect(cached(txs)).toEqual(expected);
    // Nothing left to check: no message at all.
    await submissions.preverifySoon([txs[0]!]);
    expect(posted).toHaveBeenCalledTimes(1);
  });

  it('verifies submitted checks on the event loop when no worker answers in time (a worker starved of CPU)', async () => {
    const stalled = pool({ workerUrl: SILENT_WORKER, threads: 1, submissionWaitMs: 1 });
    await stalled.start();
    const txs = transfers(5, [2], 300);
    const expected = sequentialVerdicts(txs);
    await Promise.all(txs.map((tx) => stalled.preverifySoon([tx])));
    expect(cached(txs)).toEqual(expected);
    expect(stalled.checkedHere).toBe(5);
  });

  it('verifies submitted checks at once while the workers stay starved, sending one batch a probe period to them', async () => {
    const stalled = pool({ workerUrl: SILENT_WORKER, threads: 1, submissionWaitMs: 1, starvedProbeMs: 60_000 });
    await stalled.start();
    const txs = transfers(5, [3], 700);
    const expected = sequentialVerdicts(txs);
    // Three batches no worker starts in time (each waits for its deadline, a timer)…
    for (const tx of txs.slice(0, 3)) await stalled.preverifySoon([tx]);
    const timers = vi.spyOn(globalThis, 'setTimeout');
    // …then a probe, which goes to the workers and waits for its deadline all the same…
    await stalled.preverifySoon([txs[3]!]);
    expect(timers).toHaveBeenCalled();
    timers.mockClear();
    // …then, within the probe period, a batch verified at once: no deadline.
    await stalled.preverifySoon([txs[4]!]);
    expect(timers).not.toHaveBeenCalled();
    expect(cached(txs)).toEqual(expected);
    expect(stalled.checkedHere).toBe(5);
  });

  it('leaves submitted checks to a worker that answers in time, verifying none of them on the event loop', async () => {
    const submissions = pool({ batchChecks: 128, submissionWaitMs: 60_000 });
    await submissions.start();
    const txs = transfers(6, [1], 500);
    const expected = sequentialVerdicts(txs);
    await Promise.all(txs.map((tx) => submissions.preverifySoon([tx])));
    expect(cached(txs)).toEqual(expected);
    expect(submissions.checkedHere).toBe(0);
  });

  it('settles submitted checks at once with 0 threads, checking nothing', async () => {
    const txs = transfers(3, [], 400);
    await pool({ threads: 0 }).preverifySoon(txs);
    expect(cached(txs)).toEqual([false, false, false]);
  });
});
