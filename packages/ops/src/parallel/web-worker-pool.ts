import { initWasmKernels } from '../kernels/init-wasm.js';
import { startPoolBackend, type PoolBackend, type PoolBackendOptions } from './pool-backend.js';
import type { WorkerInit } from './pool-protocol.js';
import { poolThreads, stopPool, switchPool, type WorkerPoolOptions } from './pool-switch.js';
import type { PoolWorkerHandle, SpawnPoolWorker } from './thread-pool.js';
import { WEB_WORKER_SOURCE } from './worker-source.js';

// The worker pool of browsers: Web Workers started from a Blob URL of the worker program (so no
// file of this package needs to be served), given their WorkerInit by postMessage. Sharing
// WebAssembly memories and SharedArrayBuffers with workers needs a cross-origin isolated page.
// The main thread may not block in Atomics.wait: ThreadPool polls there instead.

/** Options of {@link enableWebWorkerPool}: those of Node's enableWorkerPool. */
export type WebWorkerPoolOptions = WorkerPoolOptions;

const CALLER = 'enableWebWorkerPool';

/** What this environment lacks for a Web Worker pool, or null when it has everything. */
function missingCapability(): string | null {
  if (typeof Worker !== 'function') return 'Web Workers are unavailable (no globalThis.Worker)';
  if (typeof Blob !== 'function' || typeof URL === 'undefined' || typeof URL.createObjectURL !== 'function') {
    return 'Blob URLs are unavailable (no Blob or URL.createObjectURL)';
  }
  const isolation =
    'serve the page with the headers "Cross-Origin-Opener-Policy: same-origin" and ' +
    '"Cross-Origin-Embedder-Policy: require-corp" (or credentialless)';
  if (typeof SharedArrayBuffer !== 'function') return `SharedArrayBuffer is unavailable: ${isolation}`;
  // Absent (undefined) outside browsers, e.g. in Node, which shares memory without isolation.
  if (globalThis.crossOriginIsolated === false) return `the page is not cross-origin isolated: ${isolation}`;
  return null;
}

/**
 * A SpawnPoolWorker starting Web Workers from `url` (a Blob URL of WEB_WORKER_SOURCE). Never
 * throws: ThreadPool.start would leak the workers started before; a worker that cannot start
 * rejects its `ready` with an Error naming enableWebWorkerPool instead.
 */
function spawnWebWorker(url: string): SpawnPoolWorker {
  return (init: WorkerInit): PoolWorkerHandle => {
    let worker: Worker | null = null;
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (why: string): void => reject(new Error(`${CALLER}: pool worker ${init.slot} failed to start: ${why}`));
      try {
        const started = new Worker(url, { name: `tsgrad pool worker ${init.slot}` });
        worker = started;
        started.onmessage = () => resolve();
        started.onerror = (event) => {
          event.preventDefault();
          fail(event.message || 'an error event without a message (was the script blocked by a Content-Security-Policy?)');
        };
        started.onmessageerror = () => fail('it could not receive the shared memories and modules');
        started.postMessage(init);
      } catch (e) {
        // DataCloneError where memory cannot be shared, SecurityError where workers are blocked.
        fail(e instanceof Error ? e.message : String(e));
      }
    });
    return {
      ready,
      terminate: async () => {
        worker?.terminate();
      },
    };
  };
}

/**
 * Compiles the kernels asynchronously first (a main thread that refuses synchronous compiles
 * would leave them, and so the pool, without WebAssembly), then starts the pool from one Blob
 * URL, revoked once every worker has started or failed.
 */
async function startWebPool(options: PoolBackendOptions): Promise<PoolBackend> {
  await initWasmKernels();
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  try {
    return await startPoolBackend(spawnWebWorker(url), options);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Starts a pool of `threads` threads (this one and `threads - 1` Web Workers) and makes the
 * float32 gemm and fused attention kernels split large calls across it, as Node's
 * `enableWorkerPool` does with worker_threads (the two share one pool: enabling either replaces
 * it). Calls stay synchronous; on the main thread, which may not block, the caller polls until
 * the workers finish their share. Results are identical to one thread. Resolves to the number of
 * threads now in use; `threads` defaults to navigator.hardwareConcurrency, and 1 disables the
 * pool (resolving to 1 anywhere, even without Web Workers).
 *
 * Needs Web Workers, Blob URLs and SharedArrayBuffer, that is a cross-origin isolated page
 * (`crossOriginIsolated === true`: headers `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`). Rejects, leaving the current pool in place,
 * with an Error naming this function and the missing capability when one is missing, and with
 * an Error naming the function and the option on bad options; rejects when a worker fails to
 * start (a Content-Security-Policy without `worker-src blob:` blocks them).
 * @example
 * if (globalThis.crossOriginIsolated) await enableWebWorkerPool({ threads: 4 });
 * // ... train ...
 * await disableWebWorkerPool();
 */
export function enableWebWorkerPool(options: WebWorkerPoolOptions = {}): Promise<number> {
  const threads = options.threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  const missing = Number.isInteger(threads) && threads > 1 ? missingCapability() : null;
  if (missing !== null) return Promise.reject(new Error(`${CALLER}: ${missing}`));
  return switchPool(CALLER, threads, options, startWebPool);
}

/**
 * Stops the pool (if any, whichever function enabled it) and returns the kernels to one thread
 * at once; resolves once the workers are terminated.
 */
export function disableWebWorkerPool(): Promise<void> {
  return stopPool();
}

/** Threads the kernels use now: the pool's size, or 1 when no pool is enabled. */
export function webWorkerPoolThreads(): number {
  return poolThreads();
}
