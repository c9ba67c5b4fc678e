export { Linear, type LinearOptions } from './linear.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { LayerNorm, type LayerNormModuleOptions } from './layer-norm.js';
export { RMSNorm, type RMSNormModuleOptions } from './rms-norm.js';
export { Dropout } from './dropout.js';
export { GELU, SiLU, ReLU } from './activations.js';
export { MLP, type FeedForwardOptions } from './mlp.js';
export { SwiGLU } from './swiglu.js';
export { initUniform_, initNormal_, initConstant_, type InitOptions } from './init.js';
