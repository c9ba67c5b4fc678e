import { Tensor, allocate, allocateUninitialized, defineOp, div, isGradEnabled, mul, sub, sum, type DType } from '@tsgrad/core';
import { layerNormBackwardWasm, layerNormForwardWasm, sqrt } from '@tsgrad/ops';
import {
  checkAffine,
  checkNormInput,
  defaultAffine,
  normalizedDims,
  normOutputType,
  rowData,
  type NormalizedShape,
} from './norm-common.js';
import { layerNormBackwardRows, layerNormForwardRows, type LayerNormStats } from './layer-norm-kernels.js';

/** Options of `layerNorm`. */
export interface LayerNormOptions {
  /** Elementwise scale of the normalised shape (default: none, i.e. ones). */
  weight?: Tensor | null;
  /** Elementwise shift of the normalised shape (default: none, i.e. zeros). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

interface Args {
  eps: number;
  /** Number of trailing dims normalised. */
  k: number;
}

function forwardKernel(x: Tensor, weight: Tensor, bias: Tensor, eps: number, dtype: DType): { output: Tensor; saved: LayerNormStats } {
  const d = weight.size;
  const rows = d === 0 ? 0 : x.size / d;
  const { data: xs, offset: xo } = rowData(x);
  const { data: ws, offset: wo } = rowData(weight);
  const { data: bs, offset: bo } = rowData(bias);
  const out = allocateUninitialized(dtype, x.size);
  const stats = { mean: new Float64Array(rows), rstd: new Float64Array(rows) };
  // WebAssembly SIMD branch for float32 (the JavaScript kernel where it declines).
  const wasm = out instanceof Float32Array && xs instanceof Float32Array && ws instanceof Float32Array &&
    bs instanceof Float32Array && layerNormForwardWasm(out, xs, xo, ws, wo, bs, bo, rows, d, eps, stats);
  if (!wasm) layerNormForwardRows(out, xs, xo, ws, wo, bs, bo, rows, d, eps, stats);
  return { output: Tensor.fromData(out, x.shape), saved: stats };
}

function backwardKernel(dy: Tensor, x: Tensor, weight: Tensor, bias: Tensor, stats: LayerNormStats): [Tensor, Tensor, Tensor] {
  const d = weight.size;
  const rows = d === 0 ? 0 : x.size / d;
  const { data: gs, offset: go } = rowData(dy);
  const { data: xs, offset: xo } = rowData(x);
  const { data: ws, offset: wo } = rowData(weight);
  const dx = allocateUninitialized(x.dtype, x.size);
  const dw = new Float64Array(d);
  const db = new Float64Array(d);
  // WebAssembly SIMD branch for float32 (the JavaScript kernel where it declines).
  const wasm = dx instanceof Float32Array && gs instanceof Float32Array && xs instanceof Float32Array &&
    ws instanceof Float32Array && layerNormBackwardWasm(dx, gs, go, xs, xo, ws, wo, rows, d, stats, dw, db);
  if (!wasm) layerNormBackwardRows(dx, gs, go, xs, xo, ws, wo, rows, d, stats, dw, db);
  const castTo = (src: Float64Array, dtype: DType) => {
    const arr = allocate(dtype, d);
    arr.set(src);
    return arr;
  };
  return [
    Tensor.fromData(dx, x.shape),
    Tensor.fromData(castTo(dw, weight.dtype), weight.shape),
    Tensor.fromData(castTo(db, bias.dtype), bias.shape),
  ];
}

/** The same gradients written with ops, so they can be differentiated again (createGraph). */
function backwardComposite(dy: Tensor, x: Tensor, weight: Tensor, eps: number, k: number): [Tensor, Tensor, Tensor] {
  const dims = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const d = weight.size;
  const mean = (t: Tensor) => div(sum(t, dims, true), d);
  const centered = sub(x, mean(x));
  const rstd = div(1, sqrt(mean(mul(centered, centered)).add(eps)));
  const xhat = mul(centered, rstd);
  const g = mul(dy, weight);
  const dx = mul(rstd, sub(sub(g, mean(g)), mul(xhat, mean(mul(g, xhat)))));
  return [dx, mul(dy, xhat), dy];
}

const LayerNorm = defineOp<'x' | 'weight' | 'bias', Args, LayerNormStats>({
  name: 'layerNorm',
  inputs: ['x', 'weight', 'bias'],
  saves: ['x', 'weight'],
  forward: ({ x, weight, bias }, { eps }) => forwardKernel(x, weight, bias, eps, normOutputType(x, weight, bias)),
  backward: ({ dy, inputs: { x, weight, bias }, args: { eps, k }, saved }) => {
    const [dx, dw, db] = isGradEnabled() ? backwardComposite(dy, x, weight, eps, k) : backwardKernel(dy, x, weight, bias, saved);
    return { x: dx, weight: dw, bias: db };
  },
});

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`):
 * `y = (x − mean) / sqrt(var + eps) · weight + bias`, with the biased variance. One fused op
 * with its own backward. `weight`/`bias` must have the normalised shape; float32 or float64.
 * ```ts
 * layerNorm(x, 64, { weight, bias })   // x: (B, T, 64)
 * ```
 */
export function layerNorm(x: Tensor, normalizedShape: NormalizedShape, opts: LayerNormOptions = {}): Tensor {
  const eps = opts.eps ?? 1e-5;
  checkNormInput('layerNorm', x, eps);
  const shape = normalizedDims('layerNorm', x, normalizedShape);
  if (opts.weight) checkAffine('layerNorm', 'weight', opts.weight, shape);
  if (opts.bias) checkAffine('layerNorm', 'bias', opts.bias, shape);
  const weight = opts.weight ?? defaultAffine('weight', shape, x.dtype);
  const bias = opts.bias ?? defaultAffine('bias', shape, x.dtype);
  return LayerNorm.apply({ x, weight, bias }, { eps, k: shape.length });
}
