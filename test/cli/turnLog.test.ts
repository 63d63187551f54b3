import { describe, expect, it } from 'vitest';
import { createTurnLog } from '../../src/cli/turnLog.js';

describe('turn log', () => {
  it('writes the lines of one turn together, in order, once the turn ends', () => {
    const writes: string[] = [];
    const scheduled: (() => void)[] = [];
    const log = createTurnLog(
      (text) => writes.push(text),
      (callback) => scheduled.push(callback),
    );
    log.line('a');
    log.line('b');
    log.line('c');
    expect(writes).toEqual([]);
    expect(scheduled).toHaveLength(1);
    scheduled[0]!();
    expect(writes).toEqual(['a\nb\nc\n']);
    log.line('d');
    expect(scheduled).toHaveLength(2);
    scheduled[1]!();
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
  });

  it('writes what is queued at once on flush, and nothing twice', () => {
    const writes: string[] = [];
    const scheduled: (() => void)[] = [];
    const log = createTurnLog(
      (text) => writes.push(text),
      (callback) => scheduled.push(callback),
    );
    log.line('stopping');
    log.flush();
    expect(writes).toEqual(['stopping\n']);
    scheduled[0]!();
    log.flush();
    expect(writes).toEqual(['stopping\n']);
  });

  it('runs on the real event loop by default', async () => {
    const writes: string[] = [];
    const log = createTurnLog((text) => writes.push(text));
    log.line('x');
    log.line('y');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['x\ny\n']);
  });
});
