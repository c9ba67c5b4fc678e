import { parallelBackend, setParallelBackend } from './parallel-backend.js';
import type { PoolBackend, PoolBackendOptions } from './pool-backend.js';

// The process-wide pool behind enableWorkerPool (Node, src/node/) and enableWebWorkerPool
// (browsers): at most one at a time, installed as the parallel backend of gemm and attention.
// Both entry points share it, so whichever was enabled last is the one in use and either
// disable stops it.

/** Options of `enableWorkerPool` (`@tsgrad/ops/node`) and {@link enableWebWorkerPool}. */
export interface WorkerPoolOptions {
  /**
   * Threads in all, this one included; default: the logical processors
   * (os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers). 1 disables
   * the pool.
   */
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

async function stop(): Promise<void> {
  const current = active;
  active = null;
  if (current === null) return;
  if (parallelBackend() === current.backend) setParallelBackend(null);
  await current.close();
}

/**
 * Stops the pool in use (if any), then starts one of `threads` with `start` and installs it;
 * resolves to the threads now in use (1, and no pool, when `threads` is 1). Rejects with an
 * Error naming `caller` when `threads` is not a positive integer, before stopping anything.
 */
export function switchPool(
  caller: string, threads: number, options: WorkerPoolOptions,
  start: (options: PoolBackendOptions) => Promise<PoolBackend>,
): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1) {
    return Promise.reject(new Error(`${caller}: threads must be a positive integer, got ${threads}`));
  }
  return serialized(async () => {
    await stop();
    if (threads === 1) return 1;
    const started = await start({ ...options, threads });
    active = started;
    setParallelBackend(started.backend);
    return threads;
  });
}

/** Stops the pool (if any); kernels stop using it at once, the promise waits for the workers. */
export function stopPool(): Promise<void> {
  // Not only when earlier enable/disable calls have settled.
  if (active !== null && parallelBackend() === active.backend) setParallelBackend(null);
  return serialized(stop);
}

/** Threads the kernels use now: the pool's size, or 1 when no pool is enabled. */
export function poolThreads(): number {
  return active === null ? 1 : active.backend.threads;
}
