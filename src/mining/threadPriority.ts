import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers the calling thread's scheduling priority (a nice value, e.g. os.constants.priority.PRIORITY_LOW), for worker
 * threads doing background work (mining, signature checks ahead) so that the event loop keeps the CPU. On Linux,
 * setpriority() on a thread id changes only that thread, and `/proc/thread-self` names it. Elsewhere, or when not
 * permitted, the thread keeps its priority.
 */
export function lowerThreadPriority(priority: number): void {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, priority);
  } catch {
    // Not Linux, or not permitted.
  }
}
