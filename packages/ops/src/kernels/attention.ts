/** Raw scaled-dot-product-attention kernels: fused forward/backward, reference, dropout hash. */
export type { AttentionArgs, AttentionArray, AttentionLayout, AttentionLayouts, AttentionMask } from './attention-args.js';
export { attentionForward, attentionForwardJs, ATTENTION_BLOCK_K, ATTENTION_BLOCK_Q } from './attention-forward.js';
export { attentionBackward, attentionBackwardJs } from './attention-backward.js';
export { attentionForwardReference, attentionBackwardReference } from './attention-reference.js';
export { attentionWasm, initAttentionWasm, loadAttentionWasm } from './attention-wasm.js';
export type { AttentionWasmExports, AttentionWasmVariant } from './attention-wasm.js';
export { attentionForwardWasm, attentionBackwardWasm } from './attention-wasm-kernels.js';
export { dropoutBits, dropoutKeep, dropoutRowKey, dropoutThreshold } from './dropout-hash.js';
