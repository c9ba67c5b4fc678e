import { geluExactGrad, normalCdfExact } from './elementwise-gelu.js';
import { geluTables } from './elementwise-gelu-table.js';
import { KEPT_BYTES, elementwiseWasm, keptAddress, padded, stage } from './elementwise-wasm.js';

/**
 * Below this many elements the JavaScript table kernel is as fast: the scalar WebAssembly
 * loop saves only ~20% per element here (~10 vs ~12 ns), which the call and copies eat.
 */
export const GELU_WASM_MIN = 1024;

let tablesAt = -1;

/**
 * gelu(x) (erf form) into `y` and gelu'(x) into `grad` for `n` contiguous float32 inputs from
 * `x[xo]`, in WebAssembly from the same Hermite tables and float64 arithmetic as
 * `geluExactWithGradF32`, so results are identical to it; inputs outside the table (|x| ≥ 6,
 * ±Infinity, NaN) are redone here with the exact float64 formulas, as that kernel does.
 * Returns false (nothing written) below {@link GELU_WASM_MIN} elements or without WebAssembly.
 */
export function geluWithGradWasm(y: Float32Array, grad: Float32Array, x: Float32Array, xo: number, n: number): boolean {
  if (n < GELU_WASM_MIN) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  const m = padded(n);
  const at = stage(w, 4 * 3 * m);
  if (at < 0) return false;
  if (tablesAt < 0) {
    const { cdf, grad: g } = geluTables();
    if (8 * (cdf.length + g.length) !== KEPT_BYTES) throw new Error('geluWithGradWasm: tables do not fit the kept region');
    tablesAt = keptAddress(w);
    w.f64.set(cdf, tablesAt >> 3);
    w.f64.set(g, (tablesAt >> 3) + cdf.length);
  }
  const yAt = at + 4 * m;
  const gAt = yAt + 4 * m;
  const f32 = w.f32;
  f32.set(x.subarray(xo, xo + n), at >> 2);
  const outside = w.exports.geluWithGrad(at, yAt, gAt, n, tablesAt, tablesAt + KEPT_BYTES / 2);
  y.set(f32.subarray(yAt >> 2, (yAt >> 2) + n));
  grad.set(f32.subarray(gAt >> 2, (gAt >> 2) + n));
  if (outside === 0) return true;
  for (let i = 0; i < n; i++) {
    const v = x[xo + i]!;
    if (!(v >= -6 && v < 6)) {
      y[i] = v * normalCdfExact(v);
      grad[i] = geluExactGrad(v);
    }
  }
  return true;
}
