import { add, expand, mul, shapesEqual, type Tensor } from '@tsgrad/core';
import { amax, eq, maskedFill, matmul, softmax } from '@tsgrad/ops';
import { blockedMask, dropoutFactors } from './sdpa-masks.js';
import { expandKvHeads } from './sdpa-heads.js';
import type { AttentionPlan } from './sdpa-plan.js';
import type { AttentionWithWeights } from './sdpa-options.js';

/**
 * Softmax attention weights before dropout, `[...batch, L, S]`, from differentiable ops:
 * scale·q·kᵀ, plus the float mask, blocked pairs set to -Infinity, softmax over S. Rows with
 * every key blocked get zero weights (and zero gradients) instead of NaN.
 */
export function attentionWeights(q: Tensor, k: Tensor, plan: AttentionPlan): Tensor {
  const { batch, L, S } = plan;
  let scores = mul(matmul(q, expandKvHeads(k, plan).mT), plan.scale); // (..., L, S)
  if (!shapesEqual(scores.shape, [...batch, L, S])) scores = expand(scores, [...batch, L, S]);
  if (plan.maskKind === 'float') scores = add(scores, plan.mask!);
  const blocked = blockedMask(plan);
  if (blocked !== null) scores = maskedFill(scores, blocked, -Infinity);
  if (L === 0 || S === 0) return mul(scores, 0);
  // softmax over a row of -Infinity is NaN, and so is its gradient: give such rows finite
  // scores, then zero their weights, which also zeroes every gradient flowing through them.
  const rowBlocked = eq(amax(scores.detach(), -1, true), -Infinity); // (..., L, 1)
  return maskedFill(softmax(maskedFill(scores, rowBlocked, 0), -1), rowBlocked, 0);
}

/**
 * The readable attention: weights = softmax(scale·q·kᵀ + masks), dropout, weights·v. Every
 * step is a recorded op, so it differentiates to any order; it materialises the (L, S) weights.
 */
export function compositeAttention(q: Tensor, k: Tensor, v: Tensor, plan: AttentionPlan): AttentionWithWeights {
  const probs = attentionWeights(q, k, plan);
  const weights = plan.dropoutP > 0 ? mul(probs, dropoutFactors(plan)) : probs;
  return { output: matmul(weights, expandKvHeads(v, plan)), weights }; // (..., L, Ev)
}
