import { geluExactGrad, normalCdfExact } from './elementwise-gelu.js';
import { elementwiseWasm, stage } from './elementwise-wasm.js';

/**
 * Below this many elements the JavaScript table kernel is as fast: the call and the copies
 * cost about what the WebAssembly kernel saves (measured crossover ~50 elements).
 */
export const GELU_WASM_MIN = 64;

/**
 * gelu(x) (erf form) into `y` and gelu'(x) into `grad` for `n` contiguous float32 inputs from
 * `x[xo]`, in WebAssembly SIMD from a table-free float32 evaluation (assembly/elementwise-gelu.ts,
 * ~2.7 ns per element here with the copies, against ~10 for `geluExactWithGradF32`). Accuracy
 * against the float64 formulas over |x| < 6: gelu within 1.5e-6 relative, left tail included
 * (5e-7 for |x| < 2), gelu' within 2e-7 absolute; the table kernel reaches 2e-7 and 5e-10, so
 * the two no longer agree bit for bit. Inputs with |x| ≥ 6, ±Infinity and NaN are redone here
 * with the exact float64 formulas. Returns false (nothing written) below
 * {@link GELU_WASM_MIN} elements or without WebAssembly.
 */
export function geluWithGradWasm(y: Float32Array, grad: Float32Array, x: Float32Array, xo: number, n: number): boolean {
  if (n < GELU_WASM_MIN) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  // Whole vectors: the kernel reads x's padding lanes and writes those of y and g.
  const regions = stage(w, [4 * n, 4 * n, 4 * n]);
  if (regions === null) return false;
  const [at, yAt, gAt] = regions as [number, number, number];
  const f32 = w.f32;
  f32.set(x.subarray(xo, xo + n), at >> 2);
  const outside = w.exports.geluWithGrad(at, yAt, gAt, n);
  y.set(f32.subarray(yAt >> 2, (yAt >> 2) + n));
  grad.set(f32.subarray(gAt >> 2, (gAt >> 2) + n));
  if (outside > 0) redoGeluOutside(y, grad, x, xo, n);
  return true;
}

/**
 * Recomputes with the float64 formulas the outputs that the SIMD kernel leaves to its caller:
 * those of inputs x[xo + i] with |x| >= 6, ±Infinity or NaN, into y[i] and (unless null) grad[i].
 */
export function redoGeluOutside(y: Float32Array, grad: Float32Array | null, x: Float32Array, xo: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    if (!(v > -6 && v < 6)) {
      y[i] = v * normalCdfExact(v);
      if (grad !== null) grad[i] = geluExactGrad(v);
    }
  }
}
