// Constant (non-differentiable) masks of the attention implementations, built from the plan.
import { Tensor, allocate, ones } from '@tsgrad/core';
import { dropoutKeep, logicalNot, logicalOr, triu } from '@tsgrad/ops';
import type { AttentionPlan } from './sdpa-plan.js';

/**
 * The bool mask of blocked (query, key) pairs, true = blocked: the negated bool mask, or'ed
 * with the causal triangle (key j > query i). Null when there is neither.
 */
export function blockedMask(plan: AttentionPlan): Tensor | null {
  const blocked = plan.maskKind === 'bool' ? logicalNot(plan.mask!) : null;
  if (!plan.causal) return blocked;
  const future = triu(ones([plan.L, plan.S], { dtype: 'bool' }), 1); // (L, S), true where j > i
  return blocked === null ? future : logicalOr(blocked, future);
}

/**
 * Dropout factors `[...batch, L, S]`: 1/(1−p) where weight (b, h, i, j) is kept, 0 where
 * dropped, decided by the kernels' counter-based `dropoutKeep`, so the composite and fused
 * implementations drop exactly the same weights for the same generator state.
 */
export function dropoutFactors(plan: AttentionPlan): Tensor {
  const { B, Hq, L, S, dropoutP: p, dropoutSeed: seed } = plan;
  const out = allocate(plan.dtype, B * Hq * L * S);
  const kept = 1 / (1 - p);
  for (let b = 0, n = 0; b < B; b++) {
    for (let h = 0; h < Hq; h++) {
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < S; j++, n++) out[n] = dropoutKeep(seed, b, h, i, j, p) ? kept : 0;
      }
    }
  }
  return Tensor.fromData(out, [...plan.batch, L, S]);
}
