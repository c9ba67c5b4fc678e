import { reshape, sum, unsqueeze, expand, type Tensor } from '@tsgrad/core';
import type { AttentionPlan } from './sdpa-plan.js';

/**
 * Grouped-query attention: repeats each key/value head Hq/Hkv times along dim -3, so query
 * head h meets kv head ⌊h / (Hq/Hkv)⌋. `(..., Hkv, S, X) → (..., Hq, S, X)`; the identity
 * without GQA. Differentiable (expand + reshape).
 */
export function expandKvHeads(t: Tensor, plan: AttentionPlan): Tensor {
  if (plan.Hq === plan.Hkv) return t;
  const groups = plan.Hq / plan.Hkv;
  const [Hkv, S, X] = t.shape.slice(-3) as [number, number, number];
  const lead = t.shape.slice(0, -3);
  const repeated = expand(unsqueeze(t, -3), [...lead, Hkv, groups, S, X]); // (..., Hkv, g, S, X)
  return reshape(repeated, [...lead, Hkv * groups, S, X]); // (..., Hq, S, X)
}

/** The adjoint of `expandKvHeads`: sums the gradients of the query heads sharing a kv head. */
export function foldKvHeads(t: Tensor, plan: AttentionPlan): Tensor {
  if (plan.Hq === plan.Hkv) return t;
  const groups = plan.Hq / plan.Hkv;
  const [, S, X] = t.shape.slice(-3) as [number, number, number];
  const lead = t.shape.slice(0, -3);
  return sum(reshape(t, [...lead, plan.Hkv, groups, S, X]), -3); // (..., Hkv, S, X)
}
