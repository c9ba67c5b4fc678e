import { elementwiseWasm, stage } from './elementwise-wasm.js';

/** Per-row statistics a LayerNorm forward keeps for its backward (nn's `LayerNormStats`). */
export interface LayerNormWasmStats {
  /** μ per row. */
  mean: Float64Array;
  /** 1/√(σ² + eps) per row. */
  rstd: Float64Array;
}

/** Below this many elements, or rows shorter than this, the JavaScript row kernels win. */
export const LAYER_NORM_WASM_MIN = 256;
const MIN_D = 8;

/**
 * LayerNorm forward over the last dim in WebAssembly SIMD, with the signature of nn's
 * `layerNormForwardRows` restricted to float32: `rows` rows of `d` from `xs[xo]`, weight and
 * bias from `ws[wo]`, `bs[bo]`, output row-major from 0, mean and rstd per row into `stats`.
 * Computed in float32 like PyTorch's CPU kernel, each row shifted by its first element so a
 * large mean costs no accuracy (assembly/elementwise-layer-norm.ts); against the float64
 * JavaScript kernel the output agrees within ~1e-6 relative. Returns false (nothing written)
 * when small or without SIMD.
 */
export function layerNormForwardWasm(
  out: Float32Array, xs: Float32Array, xo: number, ws: Float32Array, wo: number, bs: Float32Array, bo: number,
  rows: number, d: number, eps: number, stats: LayerNormWasmStats,
): boolean {
  const n = rows * d;
  if (n < LAYER_NORM_WASM_MIN || d < MIN_D) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  const regions = stage(w, [8 * rows, 8 * rows, 4 * n, 4 * d, 4 * d, 4 * n]);
  if (regions === null) return false;
  const [mAt, rAt, xAt, wAt, bAt, oAt] = regions as [number, number, number, number, number, number];
  const { f32, f64 } = w;
  f32.set(xs.subarray(xo, xo + n), xAt >> 2);
  f32.set(ws.subarray(wo, wo + d), wAt >> 2);
  f32.set(bs.subarray(bo, bo + d), bAt >> 2);
  w.exports.layerNormForward(xAt, wAt, bAt, oAt, mAt, rAt, rows, d, eps);
  out.set(f32.subarray(oAt >> 2, (oAt >> 2) + n));
  stats.mean.set(f64.subarray(mAt >> 3, (mAt >> 3) + rows));
  stats.rstd.set(f64.subarray(rAt >> 3, (rAt >> 3) + rows));
  return true;
}

/**
 * LayerNorm backward in WebAssembly SIMD, with the signature of nn's `layerNormBackwardRows`
 * restricted to float32: dx row-major from 0; dw and db (float64, length d) accumulated into,
 * through float32 partial sums of a few rows each. Float32 arithmetic as in the forward.
 * Returns false (nothing written) when small or without SIMD.
 */
export function layerNormBackwardWasm(
  dx: Float32Array, gs: Float32Array, go: number, xs: Float32Array, xo: number, ws: Float32Array, wo: number,
  rows: number, d: number, stats: LayerNormWasmStats, dw: Float64Array, db: Float64Array,
): boolean {
  const n = rows * d;
  if (n < LAYER_NORM_WASM_MIN || d < MIN_D) return false;
  const w = elementwiseWasm();
  if (w === null) return false;
  // The kernel's float32 partial sums of dw and db: 2d floats.
  const regions = stage(w, [8 * d, 8 * d, 8 * rows, 8 * rows, 4 * n, 4 * n, 4 * d, 4 * n, 8 * d]);
  if (regions === null) return false;
  const [dwAt, dbAt, mAt, rAt, gAt, xAt, wAt, dxAt, partAt] = regions as [
    number, number, number, number, number, number, number, number, number,
  ];
  const { f32, f64 } = w;
  f64.set(dw, dwAt >> 3);
  f64.set(db, dbAt >> 3);
  f64.set(stats.mean, mAt >> 3);
  f64.set(stats.rstd, rAt >> 3);
  f32.set(gs.subarray(go, go + n), gAt >> 2);
  f32.set(xs.subarray(xo, xo + n), xAt >> 2);
  f32.set(ws.subarray(wo, wo + d), wAt >> 2);
  w.exports.layerNormBackward(gAt, xAt, wAt, mAt, rAt, dxAt, dwAt, dbAt, partAt, rows, d);
  dx.set(f32.subarray(dxAt >> 2, (dxAt >> 2) + n));
  dw.set(f64.subarray(dwAt >> 3, (dwAt >> 3) + d));
  db.set(f64.subarray(dbAt >> 3, (dbAt >> 3) + d));
  return true;
}
