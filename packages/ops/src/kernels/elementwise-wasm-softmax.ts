import { elementwiseWasm, stage } from './elementwise-wasm.js';

/**
 * Below this many elements the JavaScript row kernels are as fast: the copies and the call
 * cost about what the SIMD exp saves (Math.exp is ~18 ns per element here, the WebAssembly
 * pass well under 1 ns).
 */
export const SOFTMAX_WASM_MIN = 128;

/** Float64 values per row of the `stats` a {@link softmaxRowsWasm} call fills. */
export const SOFTMAX_STATS_PER_ROW = 3;

/**
 * Softmax (or log-softmax when `log`) of `rows` contiguous float32 rows of `c` from `x[xo]`
 * into `out` (row-major from 0), in WebAssembly SIMD: float32 arithmetic with a Cephes-style
 * exp (~1e-7 relative), so results agree with the float64 JavaScript kernels to float32
 * rounding. Row semantics as in reduce-softmax.ts: -Infinity entries get probability 0; a
 * row holding NaN or +Infinity, or all -Infinity, is NaN throughout.
 *
 * When given, `stats` (length ≥ {@link SOFTMAX_STATS_PER_ROW}·rows) receives per row the max
 * m, log Σ e^(x − m) and Σ x, so callers form log-sum-exp and row means without a pass of
 * their own. Returns false (nothing written) below {@link SOFTMAX_WASM_MIN} elements or
 * without WebAssembly SIMD.
 */
export function softmaxRowsWasm(
  out: Float32Array, x: Float32Array, xo: number, rows: number, c: number, log: boolean, stats?: Float64Array,
): boolean {
  const n = rows * c;
  if (n < SOFTMAX_WASM_MIN || c < 1) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  // The kernel reads and writes up to three floats past the last row: four spare after x and out.
  const regions = stage(w, [8 * SOFTMAX_STATS_PER_ROW * rows, 4 * (n + 4), 4 * (n + 4)]);
  if (regions === null) return false;
  const [sAt, xAt, oAt] = regions as [number, number, number];
  const { f32, f64 } = w;
  f32.set(x.subarray(xo, xo + n), xAt >> 2);
  w.exports.softmaxRows(xAt, oAt, sAt, rows, c, log ? 1 : 0);
  out.set(f32.subarray(oAt >> 2, (oAt >> 2) + n));
  if (stats) stats.set(f64.subarray(sAt >> 3, (sAt >> 3) + SOFTMAX_STATS_PER_ROW * rows));
  return true;
}

/**
 * out[r·c + j] = (p[r·c + j] − shift)·scale[r] for `rows` contiguous float32 rows of `c` (all
 * from 0), in WebAssembly SIMD: cross-entropy's gradient less its one-hot part, with scale 0
 * for ignored rows. Float32 arithmetic (two roundings where float64 JavaScript has one).
 * Returns false (nothing written) below {@link SOFTMAX_WASM_MIN} elements or without SIMD.
 */
export function shiftScaleRowsWasm(
  out: Float32Array, p: Float32Array, scale: Float32Array, rows: number, c: number, shift: number,
): boolean {
  const n = rows * c;
  if (n < SOFTMAX_WASM_MIN || c < 1) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  // The kernel reads and writes up to three floats past the last row: four spare after p and out.
  const regions = stage(w, [4 * rows, 4 * (n + 4), 4 * (n + 4)]);
  if (regions === null) return false;
  const [sAt, pAt, oAt] = regions as [number, number, number];
  const f32 = w.f32;
  f32.set(scale.subarray(0, rows), sAt >> 2);
  f32.set(p.subarray(0, n), pAt >> 2);
  w.exports.shiftScaleRows(pAt, oAt, sAt, rows, c, shift);
  out.set(f32.subarray(oAt >> 2, (oAt >> 2) + n));
  return true;
}
