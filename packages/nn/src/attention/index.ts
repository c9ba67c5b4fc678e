/** Attention: scaledDotProductAttention (fused and composite), RoPE, MultiHeadSelfAttention, KV cache. */
export { scaledDotProductAttention } from './scaled-dot-product-attention.js';
export type { SdpaOptions, SdpaImplementation, AttentionWithWeights } from './sdpa-options.js';
export { rope, type RopeOptions } from './rope.js';
export { ropeTables, type RopeTables } from './rope-tables.js';
export {
  MultiHeadSelfAttention,
  type MultiHeadSelfAttentionOptions,
  type MhsaForwardOptions,
  type MhsaRopeOptions,
} from './multi-head-self-attention.js';
export { KVCache } from './kv-cache.js';
