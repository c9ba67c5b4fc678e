import { initAttentionWasm } from './attention-wasm.js';
import { initElementwiseWasm } from './elementwise-wasm.js';
import { initGemm, type GemmBackend } from './gemm.js';

/** What {@link initWasmKernels} found: the GEMM backend and whether each SIMD module loaded. */
export interface WasmKernelStatus {
  /** The backend `gemm` uses for float32 from now on. */
  gemm: GemmBackend;
  /** Whether the fused attention kernels run in WebAssembly. */
  attention: boolean;
  /** Whether the elementwise kernels (GELU, LayerNorm, softmax, AdamW, copies) run in WebAssembly. */
  elementwise: boolean;
}

/**
 * Compiles every WebAssembly kernel module asynchronously. Node compiles them synchronously
 * on first use and needs none of this; a browser's main thread refuses synchronous compiles
 * of modules over 4 KB, so call and await this once before the first op there, or the kernels
 * stay on their (slower) JavaScript versions.
 * @example
 * const status = await initWasmKernels(); // { gemm: 'wasm-simd', attention: true, elementwise: true }
 */
export async function initWasmKernels(): Promise<WasmKernelStatus> {
  const [gemm, attention, elementwise] = await Promise.all([initGemm(), initAttentionWasm(), initElementwiseWasm()]);
  return { gemm, attention, elementwise };
}
