import type { TypedArray } from '@tsgrad/core';

/**
 * LayerNorm row kernels over typed arrays: `rows` rows of `d` elements, x at `xo`, weight at
 * `wo`, bias at `bo`; out/dx are row-major from 0. The fast kernels keep four partial sums
 * per reduction (the plain loops are bound by the latency of one running sum) and are tested
 * against the reference kernels: the same math in the plainest loops.
 */

/** Per-row statistics the forward keeps for the backward. */
export interface LayerNormStats {
  mean: Float64Array;
  rstd: Float64Array;
}

/** Σ_{j<d} a[o + j], in four interleaved partial sums. */
function rowSum(a: TypedArray, o: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    s0 += a[o + j]!;
    s1 += a[o + j + 1]!;
    s2 += a[o + j + 2]!;
    s3 += a[o + j + 3]!;
  }
  for (; j < d; j++) s0 += a[o + j]!;
  return s0 + s1 + s2 + s3;
}

/** Σ_{j<d} (a[o + j] − mu)², in four interleaved partial sums. */
function rowSquaredDeviation(a: TypedArray, o: number, d: number, mu: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    const c0 = a[o + j]! - mu;
    const c1 = a[o + j + 1]! - mu;
    const c2 = a[o + j + 2]! - mu;
    const c3 = a[o + j + 3]! - mu;
    s0 += c0 * c0;
    s1 += c1 * c1;
    s2 += c2 * c2;
    s3 += c3 * c3;
  }
  for (; j < d; j++) {
    const c = a[o + j]! - mu;
    s0 += c * c;
  }
  return s0 + s1 + s2 + s3;
}

/** y = (x − μ)·rstd·w + b per row, two-pass mean and (biased) variance. */
export function layerNormForwardRows(
  out: TypedArray, xs: TypedArray, xo: number, ws: TypedArray, wo: number, bs: TypedArray, bo: number,
  rows: number, d: number, eps: number, stats: LayerNormStats,
): void {
  for (let r = 0; r < rows; r++) {
    const base = xo + r * d;
    const mu = rowSum(xs, base, d) / d;
    const rs = 1 / Math.sqrt(rowSquaredDeviation(xs, base, d, mu) / d + eps);
    stats.mean[r] = mu;
    stats.rstd[r] = rs;
    const o = r * d;
    for (let j = 0; j < d; j++) out[o + j] = (xs[base + j]! - mu) * rs * ws[wo + j]! + bs[bo + j]!;
  }
}

/**
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·w, x̂ = (x − μ)·rstd, written to `dx`;
 * dw += Σ_rows dy·x̂ and db += Σ_rows dy (float64 accumulators of length d).
 */
export function layerNormBackwardRows(
  dx: TypedArray, gs: TypedArray, go: number, xs: TypedArray, xo: number, ws: TypedArray, wo: number,
  rows: number, d: number, stats: LayerNormStats, dw: Float64Array, db: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const mu = stats.mean[r]!;
    const rs = stats.rstd[r]!;
    const xb = xo + r * d;
    const gb = go + r * d;
    let sumG0 = 0;
    let sumG1 = 0;
    let sumGX0 = 0;
    let sumGX1 = 0;
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const g0 = gs[gb + j]!;
      const g1 = gs[gb + j + 1]!;
      const xhat0 = (xs[xb + j]! - mu) * rs;
      const xhat1 = (xs[xb + j + 1]! - mu) * rs;
      const gw0 = g0 * ws[wo + j]!;
      const gw1 = g1 * ws[wo + j + 1]!;
      sumG0 += gw0;
      sumG1 += gw1;
      sumGX0 += gw0 * xhat0;
      sumGX1 += gw1 * xhat1;
      dw[j] += g0 * xhat0;
      dw[j + 1] += g1 * xhat1;
      db[j] += g0;
      db[j + 1] += g1;
    }
    if (j < d) {
      const g = gs[gb + j]!;
      const xhat = (xs[xb + j]! - mu) * rs;
      const gw = g * ws[wo + j]!;
      sumG0 += gw;
      sumGX0 += gw * xhat;
      dw[j] += g * xhat;
      db[j] += g;
    }
    const mG = (sumG0 + sumG1) / d;
    const mGX = (sumGX0 + sumGX1) / d;
    const o = r * d;
    for (let k = 0; k < d; k++) {
      const xhat = (xs[xb + k]! - mu) * rs;
      dx[o + k] = rs * (gs[gb + k]! * ws[wo + k]! - mG - xhat * mGX);
    }
  }
}

/** The forward in the plainest loops: the reference for {@link layerNormForwardRows}. */
export function layerNormForwardReference(
  out: TypedArray, xs: TypedArray, xo: number, ws: TypedArray, wo: number, bs: TypedArray, bo: number,
  rows: number, d: number, eps: number, stats: LayerNormStats,
): void {
  for (let r = 0; r < rows; r++) {
    const base = xo + r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += xs[base + j]!;
    const mu = s / d;
    let v = 0;
    for (let j = 0; j < d; j++) {
      const c = xs[base + j]! - mu;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / d + eps);
    stats.mean[r] = mu;
    stats.rstd[r] = rs;
    for (let j = 0; j < d; j++) out[r * d + j] = (xs[base + j]! - mu) * rs * ws[wo + j]! + bs[bo + j]!;
  }
}

/** The backward in the plainest loops: the reference for {@link layerNormBackwardRows}. */
export function layerNormBackwardReference(
  dx: TypedArray, gs: TypedArray, go: number, xs: TypedArray, xo: number, ws: TypedArray, wo: number,
  rows: number, d: number, stats: LayerNormStats, dw: Float64Array, db: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const mu = stats.mean[r]!;
    const rs = stats.rstd[r]!;
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < d; j++) {
      const g = gs[go + r * d + j]!;
      const xhat = (xs[xo + r * d + j]! - mu) * rs;
      sumG += g * ws[wo + j]!;
      sumGX += g * ws[wo + j]! * xhat;
      dw[j] += g * xhat;
      db[j] += g;
    }
    for (let j = 0; j < d; j++) {
      const xhat = (xs[xo + r * d + j]! - mu) * rs;
      dx[r * d + j] = rs * (gs[go + r * d + j]! * ws[wo + j]! - sumG / d - xhat * (sumGX / d));
    }
  }
}
