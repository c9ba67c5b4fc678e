import { setFlagsFromString } from 'node:v8';
import { refreshAttentionWasm } from '../kernels/attention-wasm.js';
import { refreshElementwiseWasm } from '../kernels/elementwise-wasm.js';
import { refreshGemmBackend, type GemmBackend } from '../kernels/gemm.js';

/** What `enableRelaxedSimd` found: the kernels GEMM, fused attention and the elementwise ops run on from now on. */
export interface RelaxedSimdStatus {
  /** True when GEMM, attention and the elementwise kernels all use their relaxed-SIMD (FMA) builds. */
  enabled: boolean;
  gemm: GemmBackend;
  attention: 'relaxed-simd' | 'simd' | null;
  /** The build of the elementwise kernels (GELU, softmax, LayerNorm, ...), null without WebAssembly SIMD. */
  elementwise: 'relaxed-simd' | 'simd' | null;
}

/**
 * Opts this Node process into WebAssembly relaxed SIMD, so GEMM, fused attention and the
 * elementwise kernels run their FMA builds (about 15% faster GEMM and GELU here). Node 20
 * (V8 11.3) ships relaxed SIMD behind `--experimental-wasm-relaxed-simd`; this sets that V8
 * flag at run time and re-picks the kernels, so it works before or after the first tensor op. Newer Node versions have it on
 * already, and then this only reports. Results differ from the plain SIMD build only in
 * rounding (one fused multiply-add instead of a multiply and an add). Process-wide: worker
 * threads started afterwards see the flag too.
 * ```ts
 * import { enableRelaxedSimd } from '@tsgrad/ops/node';
 * enableRelaxedSimd().enabled; // true on Node 20+
 * ```
 */
export function enableRelaxedSimd(): RelaxedSimdStatus {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  const gemm = refreshGemmBackend();
  const attention = refreshAttentionWasm();
  const elementwise = refreshElementwiseWasm();
  const enabled = gemm === 'wasm-relaxed-simd' && attention === 'relaxed-simd' && elementwise === 'relaxed-simd';
  return { enabled, gemm, attention, elementwise };
}
