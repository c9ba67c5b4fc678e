import { Tensor, allocate, defineOp, div, isGradEnabled, mul, sub, sum, type DType } from '@tsgrad/core';
import { sqrt } from '@tsgrad/ops';
import {
  checkAffine,
  checkNormInput,
  defaultAffine,
  normalizedDims,
  normOutputType,
  rowData,
  type NormalizedShape,
} from './norm-common.js';

/** Options of `rmsNorm`. */
export interface RMSNormOptions {
  /** Elementwise scale of the normalised shape (default: none, i.e. ones). */
  weight?: Tensor | null;
  /** Added to the mean square before the square root (default 1e-5). */
  eps?: number;
}

interface Args {
  eps: number;
  /** Number of trailing dims normalised. */
  k: number;
}

function forwardKernel(x: Tensor, weight: Tensor, eps: number, dtype: DType): { output: Tensor; saved: Float64Array } {
  const d = weight.size;
  const rows = d === 0 ? 0 : x.size / d;
  const { data: xs, offset: xo } = rowData(x);
  const { data: ws, offset: wo } = rowData(weight);
  const out = allocate(dtype, x.size);
  const rstd = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = xo + r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += xs[base + j]! * xs[base + j]!;
    const rs = 1 / Math.sqrt(s / d + eps);
    rstd[r] = rs;
    const o = r * d;
    for (let j = 0; j < d; j++) out[o + j] = xs[base + j]! * rs * ws[wo + j]!;
  }
  return { output: Tensor.fromData(out, x.shape), saved: rstd };
}

// dx = rstd·(g − x̂·mean(g·x̂)) with g = dy·w, x̂ = x·rstd; dw = Σ dy·x̂.
function backwardKernel(dy: Tensor, x: Tensor, weight: Tensor, rstd: Float64Array): [Tensor, Tensor] {
  const d = weight.size;
  const rows = d === 0 ? 0 : x.size / d;
  const { data: gs, offset: go } = rowData(dy);
  const { data: xs, offset: xo } = rowData(x);
  const { data: ws, offset: wo } = rowData(weight);
  const dx = allocate(x.dtype, x.size);
  const dw = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const rs = rstd[r]!;
    const xb = xo + r * d;
    const gb = go + r * d;
    let sumGX = 0;
    for (let j = 0; j < d; j++) {
      const g = gs[gb + j]!;
      const xhat = xs[xb + j]! * rs;
      sumGX += g * ws[wo + j]! * xhat;
      dw[j] += g * xhat;
    }
    const mGX = sumGX / d;
    const o = r * d;
    for (let j = 0; j < d; j++) dx[o + j] = rs * (gs[gb + j]! * ws[wo + j]! - xs[xb + j]! * rs * mGX);
  }
  const dwTyped = allocate(weight.dtype, d);
  dwTyped.set(dw);
  return [Tensor.fromData(dx, x.shape), Tensor.fromData(dwTyped, weight.shape)];
}

/** The same gradients written with ops, so they can be differentiated again (createGraph). */
function backwardComposite(dy: Tensor, x: Tensor, weight: Tensor, eps: number, k: number): [Tensor, Tensor] {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const d = weight.size;
  const mean = (t: Tensor) => div(sum(t, dims, true), d);
  const rstd = div(1, sqrt(mean(mul(x, x)).add(eps)));
  const xhat = mul(x, rstd);
  const g = mul(dy, weight);
  return [mul(rstd, sub(g, mul(xhat, mean(mul(g, xhat))))), mul(dy, xhat)];
}

const RMSNorm = defineOp<'x' | 'weight', Args, Float64Array>({
  name: 'rmsNorm',
  inputs: ['x', 'weight'],
  forward: ({ x, weight }, { eps }) => forwardKernel(x, weight, eps, normOutputType(x, weight)),
  backward: ({ dy, inputs: { x, weight }, args: { eps, k }, saved }) => {
    const [dx, dw] = isGradEnabled() ? backwardComposite(dy, x, weight, eps, k) : backwardKernel(dy, x, weight, saved);
    return { x: dx, weight: dw };
  },
});

/**
 * Root-mean-square normalisation over the trailing `normalizedShape` dims:
 * `y = x / sqrt(mean(x²) + eps) · weight` (no centring, no bias). One fused op with its own
 * backward; float32 or float64.
 * ```ts
 * rmsNorm(x, 64, { weight })   // x: (B, T, 64)
 * ```
 */
export function rmsNorm(x: Tensor, normalizedShape: NormalizedShape, opts: RMSNormOptions = {}): Tensor {
  const eps = opts.eps ?? 1e-5;
  checkNormInput('rmsNorm', x, eps);
  const shape = normalizedDims('rmsNorm', x, normalizedShape);
  if (opts.weight) checkAffine('rmsNorm', 'weight', opts.weight, shape);
  const weight = opts.weight ?? defaultAffine('weight', shape, x.dtype);
  return RMSNorm.apply({ x, weight }, { eps, k: shape.length });
}
