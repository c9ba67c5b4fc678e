/// <reference types="node" />
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startPoolBackend } from '../parallel/pool-backend.js';
import type { WorkerInit } from '../parallel/pool-protocol.js';
import { poolThreads, stopPool, switchPool, type WorkerPoolOptions } from '../parallel/pool-switch.js';
import type { PoolWorkerHandle } from '../parallel/thread-pool.js';
import { WORKER_PROGRAM } from '../parallel/worker-source.js';

// The worker pool of Node: worker_threads started from source text (so the same code runs from
// the TypeScript sources and both builds), unref'd so that they never keep the process alive.
// The process-wide switch (one pool at a time, installed as the parallel backend of gemm and
// attention) is parallel/pool-switch.ts, shared with the browsers' enableWebWorkerPool.

export type { WorkerPoolOptions } from '../parallel/pool-switch.js';

/** Worker source for worker_threads (`new Worker(source, { eval: true, workerData })`). */
const NODE_WORKER_SOURCE =
  WORKER_PROGRAM +
  `const threads = require('node:worker_threads');
runWorker(threads.workerData, () => threads.parentPort.postMessage('ready'));
`;

/** Starts one pool worker on worker_threads, unref'd; exported for tests, not from the entry point. */
export function spawnNodeWorker(init: WorkerInit): PoolWorkerHandle {
  const worker = new Worker(NODE_WORKER_SOURCE, { eval: true, workerData: init });
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`enableWorkerPool: a worker exited (code ${code}) before it was ready`)));
  });
  return {
    ready,
    terminate: async () => {
      await worker.terminate();
    },
  };
}

/**
 * Starts a pool of `threads` threads (this one and `threads - 1` workers) and makes the
 * float32 gemm and fused attention kernels split large calls across it; calls below the size
 * gates, and everything else, run as before. Replaces a pool enabled earlier. Resolves to the
 * number of threads now in use (1 when `threads` is 1). Calls stay synchronous: this thread
 * blocks until the workers finish their share. Results are identical to one thread. The pool
 * runs the kernel builds in use when it starts: call `enableRelaxedSimd` before, not after (a
 * pool whose builds no longer match declines every call until enabled again).
 * Throws an Error naming the function and the option on bad options.
 * @example
 * await enableWorkerPool({ threads: 2 });
 * // ... train ...
 * await disableWorkerPool();
 */
export function enableWorkerPool(options: WorkerPoolOptions = {}): Promise<number> {
  const threads = options.threads ?? availableParallelism();
  return switchPool('enableWorkerPool', threads, options, (o) => startPoolBackend(spawnNodeWorker, o));
}

/** Stops the pool (if any) and returns the kernels to one thread; resolves once the workers exited. */
export function disableWorkerPool(): Promise<void> {
  return stopPool();
}

/** Threads the kernels use now: the pool's size, or 1 when no pool is enabled. */
export function workerPoolThreads(): number {
  return poolThreads();
}
