/** Linear algebra: batched matrix products and the fused linear layer. */
export { matmul } from './matmul.js';
export { linear } from './linear.js';
