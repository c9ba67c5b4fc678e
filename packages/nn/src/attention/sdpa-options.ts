import type { Generator, Tensor } from '@tsgrad/core';

/** Which implementation of scaled-dot-product attention runs. */
export type SdpaImplementation = 'fused' | 'composite';

/** Options of `scaledDotProductAttention` (PyTorch's arguments, camelCased). */
export interface SdpaOptions {
  /**
   * Bool: `true` = the query may attend to the key. Float: added to the scaled scores
   * (-Infinity blocks). Broadcasts to `(..., L, S)`; a float mask may require grad.
   */
  attnMask?: Tensor | null;
  /** Probability of dropping an attention weight, in [0, 1) (default 0). */
  dropoutP?: number;
  /** Causal mask aligned top-left: query i sees keys j ≤ i (default false). */
  isCausal?: boolean;
  /** Score scale (default 1/√E). */
  scale?: number;
  /** Grouped-query attention: key/value have Hkv heads (dim -3), Hq a multiple of Hkv. */
  enableGqa?: boolean;
  /** Source of dropout randomness (default: the default generator). */
  generator?: Generator;
  /** Also return the attention weights (after dropout), `(..., Hq, L, S)`. */
  returnWeights?: boolean;
  /**
   * `fused` (one graph node, O(L) memory kernels) or `composite` (readable tensor ops).
   * Default: fused, or composite when `returnWeights` asks for the weights.
   */
  implementation?: SdpaImplementation;
}

/** Output and weights, as returned when `returnWeights` is true. */
export interface AttentionWithWeights {
  /** `(..., L, Ev)`. */
  output: Tensor;
  /** `(..., L, S)`: the weights applied to the values, after dropout; zero rows where blocked. */
  weights: Tensor;
}
