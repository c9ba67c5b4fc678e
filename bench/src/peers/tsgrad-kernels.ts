import { attentionWasm, gemmBackend, loadAttentionWasm } from '@tsgrad/ops';
import { enableRelaxedSimd } from '@tsgrad/ops/node';

/**
 * Opts the process into WebAssembly relaxed SIMD when `relaxed` (tsgrad's FMA kernel builds;
 * on Node 20 this sets a V8 flag, which every later WebAssembly compile sees, the peers'
 * included), and says which kernel builds tsgrad's GEMM and fused attention now run (and,
 * when switched here, its elementwise kernels).
 */
export function selectTsgradKernels(relaxed: boolean): string {
  if (relaxed) {
    const s = enableRelaxedSimd();
    const wasm = (variant: string | null) => (variant === null ? 'javascript' : `wasm-${variant}`);
    return `gemm: ${s.gemm}, attention: ${wasm(s.attention)}, elementwise: ${wasm(s.elementwise)}`;
  }
  const attention = attentionWasm();
  const variant = attention === null ? 'javascript' : attention === loadAttentionWasm('relaxed-simd') ? 'wasm-relaxed-simd' : 'wasm-simd';
  return `gemm: ${gemmBackend()}, attention: ${variant}`;
}
