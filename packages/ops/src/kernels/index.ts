/**
 * Raw kernels over typed arrays (no Tensor, no autograd), exported for packages that build
 * fused ops on them (nn's attention) and for benchmarks.
 */
export * from './gemm.js';
export * from './attention.js';
