import { elementwiseWasm, stage } from './elementwise-wasm.js';

/** Below this many parameters the JavaScript loop wins (four copies in, three out, a call). */
export const ADAM_WASM_MIN = 256;

/** The scalars of one Adam/AdamW update (see {@link adamUpdateWasm}). */
export interface AdamUpdateScalars {
  /** β₁, the first-moment decay. */
  beta1: number;
  /** β₂, the second-moment decay. */
  beta2: number;
  /** η / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  correction2Sqrt: number;
  /** Added to √v̂ in the denominator. */
  eps: number;
  /** AdamW's 1 − ηλ (1 for Adam). */
  decay: number;
  /** Adam's L2 penalty λ added to the gradient (0 for AdamW). */
  l2: number;
}

/**
 * One fused Adam/AdamW update of float32 `theta` (with its gradient and moments `m`, `v`, all
 * the same length) in WebAssembly, two float64 lanes at a time with nn's loop's exact
 * operation order, so results are bit-identical to it: θ ← θ·decay; g ← grad + l2·θ;
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − stepSize·m / (√v / correction2Sqrt + eps).
 * Returns false (nothing written) below {@link ADAM_WASM_MIN} elements or without WebAssembly.
 */
export function adamUpdateWasm(
  theta: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, s: AdamUpdateScalars,
): boolean {
  const n = theta.length;
  if (n < ADAM_WASM_MIN || grad.length !== n || m.length !== n || v.length !== n) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  const regions = stage(w, new Array<number>(4).fill(4 * n));
  if (regions === null) return false;
  const [at, gAt, mAt, vAt] = regions as [number, number, number, number];
  const f32 = w.f32;
  f32.set(theta, at >> 2);
  f32.set(grad, gAt >> 2);
  f32.set(m, mAt >> 2);
  f32.set(v, vAt >> 2);
  w.exports.adamUpdate(at, gAt, mAt, vAt, n, s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.stepSize, s.correction2Sqrt, s.eps, s.decay, s.l2);
  theta.set(f32.subarray(at >> 2, (at >> 2) + n));
  m.set(f32.subarray(mAt >> 2, (mAt >> 2) + n));
  v.set(f32.subarray(vAt >> 2, (vAt >> 2) + n));
  return true;
}
