import { ArgumentError, noGrad, type Tensor } from '@tsgrad/core';
import { flatData } from './optimizer.js';

/**
 * Scales the gradients of `params` in place so their global L2 norm is at most `maxNorm`
 * (`torch.nn.utils.clip_grad_norm_`: scale by maxNorm / (norm + 1e-6) when that is below 1).
 * Parameters without a gradient are skipped. Returns the norm before clipping.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new ArgumentError(`clipGradNorm: maxNorm must be positive, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  let sumSquares = 0;
  for (const g of grads) {
    const data = flatData(g, 'clipGradNorm: gradient');
    for (let i = 0; i < data.length; i++) sumSquares += data[i]! * data[i]!;
  }
  const total = Math.sqrt(sumSquares);
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}
