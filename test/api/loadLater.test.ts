import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLater } from '../../src/api/loadLater.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('loadLater (modules loaded off the start path)', () => {
  it('loads once at the first get, however many gets are waiting', async () => {
    const load = vi.fn(async () => 'module');
    const later = loadLater(load, 60_000);
    expect(later.value).toBeUndefined();
    expect(await Promise.all([later.get(), later.get(), later.get()])).toEqual(['module', 'module', 'module']);
    expect(await later.get()).toBe('module');
    expect(later.value).toBe('module');
    expect(load).toHaveBeenCalledTimes(1);
    later.cancel();
  });

  it('loads by itself after the delay when nobody asked', async () => {
    vi.useFakeTimers();
    const load = vi.fn(async () => 42);
    const later = loadLater(load, 2_000);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(load).toHaveBeenCalledTimes(1);
    expect(later.value).toBe(42);
  });

  it('forgets a failed load, so the next get tries again', async () => {
    const load = vi.fn().mockRejectedValueOnce(new Error('chunk missing')).mockResolvedValueOnce('module');
    const later = loadLater(load as () => Promise<string>, 60_000);
    await expect(later.get()).rejects.toThrow('chunk missing');
    expect(later.pending).toBeUndefined();
    expect(await later.get()).toBe('module');
    expect(load).toHaveBeenCalledTimes(2);
    later.cancel();
  });

  it('never loads after cancel unless asked', async () => {
    vi.useFakeTimers();
    const load = vi.fn(async () => 'module');
    const later = loadLater(load, 2_000);
    later.cancel();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(load).not.toHaveBeenCalled();
    expect(later.pending).toBeUndefined();
  });
});
