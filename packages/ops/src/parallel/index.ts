/**
 * Multi-threaded kernels, environment-neutral: the hook that gemm and the fused attention
 * kernels consult (`setParallelBackend`), a pool that runs the WebAssembly kernels on shared
 * memory given a way to start workers, and that pool on Web Workers (`enableWebWorkerPool`).
 * Node's worker_threads pool is in `@tsgrad/ops/node` (`enableWorkerPool`).
 */
export { setParallelBackend, parallelBackend } from './parallel-backend.js';
export type { ParallelBackend, ParallelAttentionGrads } from './parallel-backend.js';
export {
  startPoolBackend, DEFAULT_MIN_ATTENTION_MACS, DEFAULT_MIN_GEMM_MACS, DEFAULT_SPIN_MICROS,
} from './pool-backend.js';
export type { PoolBackend, PoolBackendOptions } from './pool-backend.js';
export type { PoolWorkerHandle, SpawnPoolWorker } from './thread-pool.js';
export type { WorkerInit } from './pool-protocol.js';
export { enableWebWorkerPool, disableWebWorkerPool, webWorkerPoolThreads } from './web-worker-pool.js';
export type { WebWorkerPoolOptions } from './web-worker-pool.js';
export type { WorkerPoolOptions } from './pool-switch.js';
