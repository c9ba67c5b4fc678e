import { attentionWasm, gemmBackend, loadAttentionWasm } from '@tsgrad/ops';
import { enableRelaxedSimd } from '@tsgrad/ops/node';

/**
 * Opts the process into WebAssembly relaxed SIMD when `relaxed` (tsgrad's FMA kernel builds;
 * on Node 20 this sets a V8 flag, which every later WebAssembly compile sees, the peers'
 * included), and says which kernel builds tsgrad's GEMM and fused attention now run.
 */
export function selectTsgradKernels(relaxed: boolean): string {
  if (relaxed) {
    const s = enableRelaxedSimd();
    return `gemm: ${s.gemm}, attention: ${s.attention === null ? 'javascript' : `wasm-${s.attention}`}`;
  }
  const attention = attentionWasm();
  const variant = attention === null ? 'javascript' : attention === loadAttentionWasm('relaxed-simd') ? 'wasm-relaxed-simd' : 'wasm-simd';
  return `gemm: ${gemmBackend()}, attention: ${variant}`;
}
