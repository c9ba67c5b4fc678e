import { Tensor, cast, defineOp, isGradEnabled, zeros, type Op } from '@tsgrad/core';
import { attentionBackward, attentionForward, type AttentionArgs, type AttentionArray } from '@tsgrad/ops';
import { attentionGradients } from './sdpa-gradients.js';
import { kernelArgs, operand, resultTensor } from './sdpa-kernel-args.js';
import type { AttentionPlan } from './sdpa-plan.js';

type Inputs = 'query' | 'key' | 'value' | 'mask';

interface FusedSaved {
  args: AttentionArgs<AttentionArray>;
  out: AttentionArray;
  lse: Float64Array;
}

const FusedAttention: Op<Inputs, { plan: AttentionPlan }> = defineOp<Inputs, { plan: AttentionPlan }, FusedSaved>({
  name: 'scaledDotProductAttention',
  inputs: ['query', 'key', 'value', 'mask'],
  saves: ['query', 'key', 'value', 'mask', 'output'],
  forward: ({ query, key, value }, { plan }) => {
    const args = kernelArgs(query, key, value, plan);
    const { out, lse } = attentionForward(args); // out (B, Hq, L, Ev) in its layout, lse (B, Hq, L)
    return { output: resultTensor(out, plan.batch, plan.L, plan.Ev, args.layouts?.out), saved: { args, out, lse } };
  },
  backward: ({ dy, inputs: { query, key, value }, args: { plan }, saved, needsGrad }) => {
    if (isGradEnabled()) {
      // createGraph: differentiable ops, so gradgradcheck and higher orders work.
      return attentionGradients(query, key, value, dy, plan);
    }
    const { batch, kvBatch, L, S, E, Ev } = plan;
    const dOut = operand(cast(dy, plan.dtype), [...batch, L, Ev]);
    const layouts = saved.args.layouts ?? {};
    const args = dOut.layout === undefined ? saved.args : { ...saved.args, layouts: { ...layouts, dOut: dOut.layout } };
    const g = attentionBackward(args, saved.out, saved.lse, dOut.data, { wantMaskGrad: needsGrad.mask });
    // Broadcast dims are summed back to each input's shape by the engine.
    return {
      query: resultTensor(g.dq, batch, L, E, layouts.dq),
      key: resultTensor(g.dk, kvBatch, S, E, layouts.dk),
      value: resultTensor(g.dv, kvBatch, S, Ev, layouts.dv),
      mask: g.dMask === undefined ? null : Tensor.fromData(g.dMask, [...batch, L, S]),
    };
  },
});

/**
 * Scaled-dot-product attention as one graph node over the fused (FlashAttention-2 style)
 * kernels: the forward keeps only the output and the row log-sum-exp; the backward calls the
 * fused backward kernel, or differentiable ops when the graph of the backward is recorded.
 */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, plan: AttentionPlan): Tensor {
  const mask = plan.mask ?? zeros([], { dtype: plan.dtype });
  return FusedAttention.apply({ query: q, key: k, value: v, mask }, { plan });
}
