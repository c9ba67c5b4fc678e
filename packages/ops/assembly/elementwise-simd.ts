// Float32 elementwise kernels in WebAssembly SIMD (AssemblyScript), for the memory-bound
// passes of a transformer step that plain JavaScript runs at several ns per element here.
// Addresses are byte offsets into this module's memory, laid out by the caller
// (src/kernels/elementwise-wasm.ts); counts are in elements. The kernels live one family per
// file and are exported from here.

export { geluWithGrad } from './elementwise-gelu';
export { layerNormForward, layerNormBackward } from './elementwise-layer-norm';
export { copyStrided4 } from './elementwise-copy';
export { adamUpdate } from './elementwise-adam';
export { softmaxRows, shiftScaleRows } from './elementwise-softmax';
export { addRows, subRows, mulRows } from './elementwise-binary';

/** Where the caller may start laying out its regions. */
export function heapBase(): usize {
  return __heap_base;
}
