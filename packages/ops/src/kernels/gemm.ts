import { parallelBackend } from '../parallel/parallel-backend.js';
import { gemmBlockedRows } from './gemm-blocked.js';
import { checkGemmArgs, clearGemmOutput, type FloatArray, type GemmArgs, type GemmBackend } from './gemm-types.js';
import { compileWasmKernels, forgetMissingWasmKernels, gemmWasm, loadWasmKernel, wasmVariantOf } from './gemm-wasm.js';

export type { FloatArray, GemmArgs, GemmBackend } from './gemm-types.js';
export { gemmReference } from './gemm-reference.js';

/**
 * Products smaller than this many multiply-adds (m·n·k per item) stay in TypeScript for
 * float32: below it, copying operands in and out of wasm memory costs more than SIMD saves
 * (measured with scripts/bench-gemm.mjs).
 */
export const WASM_MIN_MACS = 512;

let backend: GemmBackend | undefined;

function resolveBackend(): GemmBackend {
  if (loadWasmKernel('relaxed-simd') !== null) return 'wasm-relaxed-simd';
  if (loadWasmKernel('simd') !== null) return 'wasm-simd';
  return 'typescript';
}

/** What `gemm` uses for float32 operands in this runtime; float64 always runs in TypeScript. */
export function gemmBackend(): GemmBackend {
  backend ??= resolveBackend();
  return backend;
}

/**
 * Looks for the WebAssembly builds again and returns the backend `gemm` uses from now on: for
 * after the runtime gained a feature (relaxed SIMD through `enableRelaxedSimd`).
 */
export function refreshGemmBackend(): GemmBackend {
  forgetMissingWasmKernels();
  backend = undefined;
  return gemmBackend();
}

/**
 * Compiles the WebAssembly kernels asynchronously and resolves to the backend `gemm` will use.
 * Optional: `gemm` instantiates synchronously on first use, which works in Node and browsers;
 * call and await this first only where a page forbids synchronous compilation.
 */
export async function initGemm(): Promise<GemmBackend> {
  await compileWasmKernels();
  backend = undefined;
  return gemmBackend();
}

/**
 * Batched, strided matrix product on the fastest available path: C (+)= alpha·A·B per batch
 * item (see GemmArgs for the indexing). Float32 runs on WebAssembly SIMD (relaxed SIMD with FMA
 * when the runtime validates it) except for tiny products; float64, and float32 where
 * WebAssembly SIMD is missing, run the cache-blocked TypeScript kernel. Throws an Error naming
 * `gemm` and the offending values on bad sizes, strides or offsets, before writing anything.
 * @example
 * // C(2x2) = A(2x3) · B(3x2), all row-major
 * gemm({ m: 2, n: 2, k: 3, a, aRowStride: 3, aColStride: 1,
 *        b, bRowStride: 2, bColStride: 1, c, cRowStride: 2 });
 */
export function gemm<T extends FloatArray>(args: GemmArgs<T>): void {
  const batch = checkGemmArgs(args);
  const { m, n, k } = args;
  if (m === 0 || n === 0 || batch === 0) return;
  if (k === 0) {
    clearGemmOutput(args, batch);
    return;
  }
  if (args.c instanceof Float32Array && m * n * k >= WASM_MIN_MACS) {
    const variant = wasmVariantOf(gemmBackend());
    if (variant !== null) {
      if (parallelBackend()?.gemm(args as GemmArgs<Float32Array>, batch)) return;
      const kernel = loadWasmKernel(variant);
      if (kernel !== null && gemmWasm(kernel, args as GemmArgs<Float32Array>, batch)) return;
    }
  }
  for (let t = 0; t < batch; t++) gemmBlockedRows(args, t, 0, m);
}
