import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { blockHash, createHeaderTemplate } from '../../src/chain/block.js';
import { leadingZeroBits } from '../../src/chain/pow.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { WorkerMiner } from '../../src/mining/workerMiner.js';
import { minerWallet } from '../helpers/keys.js';
import { waitFor } from '../helpers/waitFor.js';

const template = (difficulty: number, index = 2) =>
  createHeaderTemplate({
    index,
    timestamp: 1_700_000_000_000 + index,
    previousHash: 'ab'.repeat(32),
    difficulty,
    transactions: [createRewardTransaction(index, minerWallet.address, 1)],
  });

const miner = new WorkerMiner({ threads: 2, chunkTries: 1 << 16 });
afterAll(() => miner.close());

describe('WorkerMiner (worker_threads)', () => {
  it('finds a proof that meets the difficulty, for job after job', async () => {
    for (const difficulty of [0, 8, 12, 16]) {
      const sealed = await miner.mine(template(difficulty, 2 + difficulty), new AbortController().signal);
      expect(leadingZeroBits(blockHash(sealed))).toBeGreaterThanOrEqual(difficulty);
      expect(sealed).toMatchObject(template(difficulty, 2 + difficulty));
    }
  });

  it('stops every worker after the slice it is in when the job is aborted (the tip changed)', async () => {
    const controller = new AbortController();
    const mining = miner.mine(template(60), controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = miner.stats();
    expect(during.hashrate).toBeGreaterThan(0);
    controller.abort(new Error('the tip changed'));
    await expect(mining).rejects.toThrow('the tip changed');
    const atAbort = miner.stats().tries;
    // Each worker checks the job between slices of 2^12 tries (a quarter of a ms at full speed; longer at nice 19 on a
    // busy machine): the count settles, having grown by at most one slice per worker, and never moves again.
    const settled = await waitFor('the tries to settle', async () => {
      const tries = miner.stats().tries;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return miner.stats().tries === tries ? tries : undefined;
    });
    expect(settled - atAbort).toBeLessThanOrEqual(miner.threads * 2 ** 12);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(miner.stats().tries).toBe(settled);
    expect(miner.stats().hashrate).toBe(0);
  });

  it.runIf(process.platform === 'linux')(
    'mines at the lowest scheduling priority (nice 19), so serving wins the CPU',
    async () => {
      const controller = new AbortController();
      const mining = miner.mine(template(60, 11), controller.signal).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // /proc/self/task/<tid>/stat: the fields after "(comm)" start at field 3 (state); field 19 is the nice value.
      const niceOf = (tid: string) =>
        Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ').pop()!.split(' ')[16]);
      const nice = readdirSync('/proc/self/task').map(niceOf);
      controller.abort(new Error('done'));
      await mining;
      expect(nice.filter((value) => value === 19).length).toBeGreaterThanOrEqual(2);
      expect(niceOf(String(process.pid))).toBe(0);
    },
  );

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(miner.mine(template(8), controller.signal)).rejects.toThrow('too late');
  });

  it('keeps the event loop free while it hashes', async () => {
    const controller = new AbortController();
    const mining = miner.mine(template(60, 9), controller.signal).catch(() => undefined);
    const gaps: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    controller.abort(new Error('done'));
    await mining;
    // Timers fire on time: nothing on this thread holds the loop (generous bound for a loaded 2-core machine).
    expect(Math.max(...gaps)).toBeLessThan(100);
  });
});

describe('WorkerMiner warm-up', () => {
  it('starts every worker and runs its kernel hot at warm(), before any job, without counting it as mining', async () => {
    const warmed = new WorkerMiner({ threads: 2 });
    try {
      expect(warmed.readyThreads).toBe(0);
      await warmed.warm();
      expect(warmed.readyThreads).toBe(2);
      expect(warmed.stats()).toEqual({ tries: 0, busyMs: 0, hashrate: 0 });
      // Again: nothing more to start.
      await warmed.warm();
      expect(warmed.readyThreads).toBe(2);
      const sealed = await warmed.mine(template(12, 40), new AbortController().signal);
      expect(leadingZeroBits(blockHash(sealed))).toBeGreaterThanOrEqual(12);
      expect(warmed.readyThreads).toBe(2);
    } finally {
      await warmed.close();
    }
    expect(warmed.readyThreads).toBe(0);
  });

  it('warms up a worker started by a job too, and runs the job after it', async () => {
    const lazy = new WorkerMiner({ threads: 1 });
    try {
      const sealed = await lazy.mine(template(8, 41), new AbortController().signal);
      expect(leadingZeroBits(blockHash(sealed))).toBeGreaterThanOrEqual(8);
      expect(lazy.readyThreads).toBe(1);
    } finally {
      await lazy.close();
    }
  });

  it('rejects warm() when a worker stops before it is ready, and warms up again afterwards', async () => {
    const stopped = new WorkerMiner({ threads: 2 });
    try {
      const warming = expect(stopped.warm()).rejects.toThrow(/exited with code \d+ while warming up/);
      await stopped.close();
      await warming;
      await stopped.warm();
      expect(stopped.readyThreads).toBe(2);
    } finally {
      await stopped.close();
    }
  });
});

describe('WorkerMiner after a worker dies', () => {
  it('fails the job in flight with a clear error and replaces the worker for the next job', async () => {
    const fragile = new WorkerMiner({ threads: 2, chunkTries: 1 << 16 });
    try {
      await fragile.mine(template(4, 30), new AbortController().signal);
      const controller = new AbortController();
      const mining = fragile.mine(template(60, 31), controller.signal);
      const failed = expect(mining).rejects.toThrow(/exited with code|crashed/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      // Stop the worker threads from outside, as a crash would.
      await fragile.close();
      await failed;
      controller.abort(new Error('done'));
      const sealed = await fragile.mine(template(8, 32), new AbortController().signal);
      expect(leadingZeroBits(blockHash(sealed))).toBeGreaterThanOrEqual(8);
    } finally {
      await fragile.close();
    }
  });
});
