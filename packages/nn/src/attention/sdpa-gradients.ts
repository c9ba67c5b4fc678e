import { mul, sub, sum, type Tensor } from '@tsgrad/core';
import { matmul } from '@tsgrad/ops';
import { attentionWeights } from './sdpa-composite.js';
import { expandKvHeads, foldKvHeads } from './sdpa-heads.js';
import { dropoutFactors } from './sdpa-masks.js';
import type { AttentionPlan } from './sdpa-plan.js';

/** Gradients of the fused attention op, one per input (null where none). */
export interface AttentionGradients {
  query: Tensor;
  key: Tensor;
  value: Tensor;
  mask: Tensor | null;
}

/**
 * The fused op's backward written with differentiable ops, used under `createGraph` so the
 * gradients can be differentiated again. The weights P are recomputed by softmax rather than
 * as exp(s − lse) from the forward's saved log-sum-exp: the saved lse is a constant, and P
 * must stay a function of q and k for second derivatives to be right.
 *
 * With W = P∘Z (Z the dropout factors): dv = Wᵀ·dO; dP = (dO·vᵀ)∘Z;
 * dS = P∘(dP − rowsum(P∘dP)); dq = scale·dS·k; dk = scale·dSᵀ·q; d(float mask) = dS.
 */
export function attentionGradients(q: Tensor, k: Tensor, v: Tensor, dOut: Tensor, plan: AttentionPlan): AttentionGradients {
  const probs = attentionWeights(q, k, plan); // (..., L, S)
  const factors = plan.dropoutP > 0 ? dropoutFactors(plan) : null;
  const weights = factors === null ? probs : mul(probs, factors);
  const dValue = matmul(weights.mT, dOut); // (..., S, Ev)
  const dWeights = matmul(dOut, expandKvHeads(v, plan).mT); // (..., L, S)
  const dProbs = factors === null ? dWeights : mul(dWeights, factors);
  const dScores = mul(probs, sub(dProbs, sum(mul(probs, dProbs), -1, true))); // softmax backward
  const dQuery = mul(matmul(dScores, expandKvHeads(k, plan)), plan.scale); // (..., L, E)
  const dKey = mul(matmul(dScores.mT, q), plan.scale); // (..., S, E)
  return {
    query: dQuery,
    key: foldKvHeads(dKey, plan),
    value: foldKvHeads(dValue, plan),
    mask: plan.maskKind === 'float' ? dScores : null,
  };
}
