import { ArgumentError, mul, type Tensor } from '@tsgrad/core';
import { attentionWeights, compositeAttention } from './sdpa-composite.js';
import { fusedAttention } from './sdpa-fused.js';
import { dropoutFactors } from './sdpa-masks.js';
import { planAttention } from './sdpa-plan.js';
import type { AttentionWithWeights, SdpaOptions } from './sdpa-options.js';

/**
 * Scaled dot-product attention, PyTorch's `scaled_dot_product_attention`:
 * `softmax(scale · q·kᵀ + mask) · v` with optional dropout on the weights.
 *
 * - query `(..., L, E)`, key `(..., S, E)`, value `(..., S, Ev)`; leading dims broadcast
 *   between the three; output `(..., L, Ev)`. L ≠ S and Ev ≠ E are fine; L = 0 or S = 0
 *   give correctly shaped (zero) results.
 * - `attnMask` bool: true = may attend; float: added to the scaled scores. It broadcasts to
 *   `(..., L, S)` and combines with `isCausal` (top-left: query i sees keys j ≤ i).
 * - `scale` defaults to 1/√E. A query whose keys are all blocked gets zero weights, a zero
 *   output and zero gradients, never NaN.
 * - `dropoutP` drops weights (kept ones scaled by 1/(1−p)), decided per (b, h, i, j) from one
 *   seed drawn from `generator`, so both implementations drop the same weights.
 * - `enableGqa`: key/value carry Hkv heads at dim -3; query head h reads kv head ⌊h/(Hq/Hkv)⌋.
 * - `implementation`: `fused` (default; one graph node, O(L) extra memory, fastest) or
 *   `composite` (readable ops). With `returnWeights` the default is composite, which has the
 *   weights at hand; `fused` then computes them separately.
 * ```ts
 * const out = scaledDotProductAttention(q, k, v, { isCausal: true });        // Tensor
 * const { output, weights } = scaledDotProductAttention(q, k, v, { returnWeights: true });
 * ```
 */
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: SdpaOptions & { returnWeights: true },
): AttentionWithWeights;
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts?: SdpaOptions & { returnWeights?: false },
): Tensor;
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts?: SdpaOptions,
): Tensor | AttentionWithWeights;
export function scaledDotProductAttention(
  query: Tensor,
  key: Tensor,
  value: Tensor,
  opts: SdpaOptions = {},
): Tensor | AttentionWithWeights {
  const implementation = opts.implementation ?? (opts.returnWeights ? 'composite' : 'fused');
  if (implementation !== 'fused' && implementation !== 'composite') {
    throw new ArgumentError(`scaledDotProductAttention: implementation must be 'fused' or 'composite', got '${String(implementation)}'`);
  }
  const plan = planAttention(query, key, value, opts);
  if (implementation === 'composite') {
    const result = compositeAttention(query, key, value, plan);
    return opts.returnWeights ? result : result.output;
  }
  const output = fusedAttention(query, key, value, plan);
  if (!opts.returnWeights) return output;
  const probs = attentionWeights(query, key, plan);
  return { output, weights: plan.dropoutP > 0 ? mul(probs, dropoutFactors(plan)) : probs };
}
