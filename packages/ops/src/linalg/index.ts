/** Linear algebra: batched matrix products, the fused linear layer and linear + GELU. */
export { matmul } from './matmul.js';
export { linear } from './linear.js';
export { linearGelu } from './linear-gelu.js';
