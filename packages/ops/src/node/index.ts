/**
 * @tsgrad/ops/node: Node-only additions to @tsgrad/ops. `enableWorkerPool` splits large
 * float32 matrix products and fused attention across worker_threads; `enableRelaxedSimd`
 * switches the kernels to their FMA builds (call it first when using both).
 */
export { enableWorkerPool, disableWorkerPool, workerPoolThreads } from './worker-pool.js';
export type { WorkerPoolOptions } from './worker-pool.js';
export { enableRelaxedSimd, type RelaxedSimdStatus } from './relaxed-simd.js';
