/** Raw scaled-dot-product-attention kernels: fused forward/backward, reference, dropout hash. */
export type { AttentionArgs, AttentionArray, AttentionMask } from './attention-args.js';
export { attentionForward, ATTENTION_BLOCK_K, ATTENTION_BLOCK_Q } from './attention-forward.js';
export { attentionBackward } from './attention-backward.js';
export { attentionForwardReference, attentionBackwardReference } from './attention-reference.js';
export { dropoutBits, dropoutKeep, dropoutRowKey, dropoutThreshold } from './dropout-hash.js';
