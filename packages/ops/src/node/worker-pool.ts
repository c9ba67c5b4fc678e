/// <reference types="node" />
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parallelBackend, setParallelBackend } from '../parallel/parallel-backend.js';
import { startPoolBackend, type PoolBackend } from '../parallel/pool-backend.js';
import type { WorkerInit } from '../parallel/pool-protocol.js';
import type { PoolWorkerHandle } from '../parallel/thread-pool.js';
import { NODE_WORKER_SOURCE } from '../parallel/worker-source.js';

// The process-wide worker pool of Node: worker_threads started from source text (so the same
// code runs from the TypeScript sources and both builds), unref'd so that they never keep the
// process alive, and installed as the parallel backend of gemm and attention.

/** Options of {@link enableWorkerPool}. */
export interface WorkerPoolOptions {
  /** Threads in all, this one included; default os.availableParallelism(). 1 disables the pool. */
  threads?: number;
  /** Smallest GEMM, in multiply-adds (m·n·k·batch), that runs on the pool. */
  minGemmMacs?: number;
  /** Smallest fused attention call, in multiply-adds, that runs on the pool. */
  minAttentionMacs?: number;
  /** Microseconds a waiting thread polls before it sleeps in Atomics.wait (default 300). */
  spinMicros?: number;
}

let active: PoolBackend | null = null;
// enable/disable calls run one after another, so overlapping calls never leak a pool.
let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(task: () => Promise<T>): Promise<T> {
  const result = queue.then(task);
  queue = result.catch(() => undefined);
  return result;
}

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

async function stop(): Promise<void> {
  const current = active;
  active = null;
  if (current === null) return;
  if (parallelBackend() === current.backend) setParallelBackend(null);
  await current.close();
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
  if (!Number.isInteger(threads) || threads < 1) {
    return Promise.reject(new Error(`enableWorkerPool: threads must be a positive integer, got ${threads}`));
  }
  return serialized(async () => {
    await stop();
    if (threads === 1) return 1;
    const started = await startPoolBackend(spawnNodeWorker, { ...options, threads });
    active = started;
    setParallelBackend(started.backend);
    return threads;
  });
}

/** Stops the pool (if any) and returns the kernels to one thread; resolves once the workers exited. */
export function disableWorkerPool(): Promise<void> {
  // Kernels stop using the pool at once, not when earlier enable/disable calls have settled.
  if (active !== null && parallelBackend() === active.backend) setParallelBackend(null);
  return serialized(stop);
}

/** Threads the kernels use now: the pool's size, or 1 when no pool is enabled. */
export function workerPoolThreads(): number {
  return active === null ? 1 : active.backend.threads;
}
