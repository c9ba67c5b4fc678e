/**
 * Raw kernels over typed arrays (no Tensor, no autograd), exported for packages that build
 * fused ops on them (nn's attention) and for benchmarks.
 */
export * from './gemm.js';
export * from './attention.js';
export * from './elementwise-wasm-binary.js';
export { geluWithGradWasm, GELU_WASM_MIN } from './elementwise-wasm-gelu.js';
export {
  layerNormForwardWasm,
  layerNormBackwardWasm,
  LAYER_NORM_WASM_MIN,
  type LayerNormWasmStats,
} from './elementwise-wasm-layer-norm.js';
export { copyStridedWasm, COPY_WASM_MIN } from './elementwise-wasm-copy.js';
export { adamUpdateWasm, ADAM_WASM_MIN, type AdamUpdateScalars } from './elementwise-wasm-adam.js';
export { softmaxRowsWasm, shiftScaleRowsWasm, SOFTMAX_WASM_MIN, SOFTMAX_STATS_PER_ROW } from './elementwise-wasm-softmax.js';
export { initElementwiseWasm } from './elementwise-wasm.js';
export { initWasmKernels, type WasmKernelStatus } from './init-wasm.js';
