/**
 * @tsgrad/ops: every differentiable op a transformer needs, each declared once (forward
 * kernel, backward rule, checks) and installed as a chained Tensor method on import. The
 * core ops (arithmetic, sum, views, casts, in-place) are re-exported so one import serves.
 */
export {
  add,
  sub,
  mul,
  div,
  neg,
  sum,
  sumToShape,
  cast,
  reshape,
  view,
  expand,
  permute,
  transpose,
  unsqueeze,
  squeeze,
  slice,
  narrow,
  contiguous,
  clone,
  add_,
  sub_,
  mul_,
  div_,
  fill_,
  zero_,
  copy_,
} from '@tsgrad/core';
export * from './shape/index.js';
export * from './linalg/index.js';
export * from './elementwise/index.js';
export * from './reduce/index.js';
export * from './nn/index.js';
export * from './inplace/index.js';
export * from './kernels/index.js';
export { setParallelBackend, parallelBackend } from './parallel/parallel-backend.js';
export type { ParallelBackend, ParallelAttentionGrads } from './parallel/parallel-backend.js';
export { enableWebWorkerPool, disableWebWorkerPool, webWorkerPoolThreads } from './parallel/web-worker-pool.js';
export type { WebWorkerPoolOptions } from './parallel/web-worker-pool.js';
