import { allocate, defineOp, mul, type Tensor } from '@tsgrad/core';
import {
  applyBatched,
  classLayout,
  classificationOptions,
  gradScale,
  reducedLoss,
  targetDistribution,
  type ClassLayout,
  type ClassificationLossOptions,
  type Reduction,
} from './loss-common.js';

interface Args {
  ignoreIndex: number;
  reduction: Reduction;
}

interface Saved {
  layout: ClassLayout;
  count: number;
}

function forwardKernel(logProbs: Tensor, target: Tensor, { ignoreIndex, reduction }: Args): { output: Tensor; saved: Saved } {
  const layout = classLayout('nllLoss', logProbs, target, ignoreIndex);
  const { n, c, d, x, xo, t, to } = layout;
  const losses = allocate(logProbs.dtype, n * d);
  let total = 0;
  let count = 0;
  for (let pos = 0; pos < n * d; pos++) {
    const cls = t[to + pos]!;
    if (cls === ignoreIndex) continue;
    const i = Math.floor(pos / d);
    const loss = -x[xo + i * c * d + cls * d + (pos - i * d)]!;
    losses[pos] = loss;
    total += loss;
    count++;
  }
  return { output: reducedLoss(losses, total, count, reduction, layout, logProbs.dtype), saved: { layout, count } };
}

const NllLoss = defineOp<'logProbs' | 'target', Args, Saved, 'logProbs'>({
  name: 'nllLoss',
  inputs: ['logProbs', 'target'],
  differentiable: ['logProbs'],
  saves: ['target'],
  forward: ({ logProbs, target }, args) => forwardKernel(logProbs, target, args),
  // dlogProbs = −onehot(target) · dy, zero at ignored positions (linear in dy, so ops suffice).
  backward: ({ dy, inputs: { logProbs }, args: { ignoreIndex, reduction }, saved }) => ({
    logProbs: mul(targetDistribution(saved.layout, ignoreIndex, -1, 0, logProbs.shape, logProbs.dtype), gradScale(dy, reduction, saved.count)),
  }),
});

/**
 * Negative log-likelihood of int32 class indices under log-probabilities (PyTorch's
 * `F.nll_loss`): `loss = −logProbs[target]`. Layout and options as `crossEntropy` (class dim 1,
 * ignoreIndex, reduction); use `crossEntropy` on raw logits, it is fused and stabler.
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: ClassificationLossOptions = {}): Tensor {
  const { reduction, ignoreIndex } = classificationOptions('nllLoss', opts);
  return applyBatched('nllLoss', logProbs, target, reduction, (x, t) => NllLoss.apply({ logProbs: x, target: t }, { ignoreIndex, reduction }));
}
