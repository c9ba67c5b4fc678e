import { ArgumentError, markModified, noGrad, type Tensor } from '@tsgrad/core';
import { flatData } from './optimizer.js';

/** Σ x² in float64, four running sums so the loop is not one long dependency chain. */
function sumOfSquares(data: Float32Array | Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = data[i]!;
    const b = data[i + 1]!;
    const c = data[i + 2]!;
    const d = data[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += data[i]! * data[i]!;
  return s0 + s1 + (s2 + s3);
}

/** `g.mul_(coef)`, looping over the storage directly when `g` is contiguous (bit-identical). */
function scaleInPlace(g: Tensor, coef: number): void {
  if (!g.isContiguous()) {
    noGrad(() => g.mul_(coef));
    return;
  }
  const data = flatData(g, 'clipGradNorm: gradient');
  // mul_ would round the scalar to the tensor's dtype first; the product of two float32
  // values is exact in float64, so storing it rounds once, as a float32 multiply does.
  const c = data instanceof Float32Array ? Math.fround(coef) : coef;
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * c;
  markModified(g);
}

/**
 * Scales the gradients of `params` in place so their global L2 norm is at most `maxNorm`
 * (`torch.nn.utils.clip_grad_norm_`: scale by maxNorm / (norm + 1e-6) when that is below 1).
 * Parameters without a gradient are skipped. Returns the norm before clipping.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sumSquares = 0;
  for (const g of grads) sumSquares += sumOfSquares(flatData(g, 'clipGradNorm: gradient'));
  const total = Math.sqrt(sumSquares);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) for (const g of grads) scaleInPlace(g, coef);
  return total;
}
