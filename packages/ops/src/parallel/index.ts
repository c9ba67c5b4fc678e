/**
 * Multi-threaded kernels, environment-neutral: the hook that gemm and the fused attention
 * kernels consult (`setParallelBackend`), and a pool that runs the WebAssembly kernels on
 * shared memory given a way to start workers. Node's worker_threads pool is in
 * `@tsgrad/ops/node` (`enableWorkerPool`).
 */
export { setParallelBackend, parallelBackend } from './parallel-backend.js';
export type { ParallelBackend, ParallelAttentionGrads } from './parallel-backend.js';
export {
  startPoolBackend, DEFAULT_MIN_ATTENTION_MACS, DEFAULT_MIN_GEMM_MACS, DEFAULT_SPIN_MICROS,
} from './pool-backend.js';
export type { PoolBackend, PoolBackendOptions } from './pool-backend.js';
export type { PoolWorkerHandle, SpawnPoolWorker } from './thread-pool.js';
export type { WorkerInit } from './pool-protocol.js';
