/**
 * A signature worker for the pool's tests that loads and then never answers (as one starved of CPU would look): the
 * waiting thread must verify what it holds.
 */
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', () => {});
parentPort!.postMessage({ type: 'ready' });
