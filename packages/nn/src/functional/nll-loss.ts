import { Tensor, allocate, defineOp, mul } from '@tsgrad/core';
import {
  checkReduction,
  classLayout,
  gradScale,
  liftUnbatched,
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
  const saved = { layout, count };
  if (reduction === 'none') return { output: Tensor.fromData(losses, layout.lossShape), saved };
  const out = allocate(logProbs.dtype, 1);
  out[0] = reduction === 'sum' ? total : total / count;
  return { output: Tensor.fromData(out, []), saved };
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
  const reduction = opts.reduction ?? 'mean';
  checkReduction('nllLoss', reduction);
  const [x, t, lifted] = liftUnbatched('nllLoss', logProbs, target);
  const loss = NllLoss.apply({ logProbs: x, target: t }, { ignoreIndex: opts.ignoreIndex ?? -100, reduction });
  return lifted && reduction === 'none' ? loss.reshape([]) : loss;
}
