export { crossEntropy, type CrossEntropyOptions } from './cross-entropy.js';
export { nllLoss } from './nll-loss.js';
export { mseLoss, type MSELossOptions } from './mse-loss.js';
export { type Reduction, type ClassificationLossOptions } from './loss-common.js';
export { layerNorm, type LayerNormOptions } from './layer-norm.js';
export { rmsNorm, type RMSNormOptions } from './rms-norm.js';
export { type NormalizedShape } from './norm-common.js';
// The activations are ops; @tsgrad/nn re-exports them so `gelu(x, { approximate })` is at hand.
export { gelu, silu, relu, type GeluOptions, type GeluApproximate } from '@tsgrad/ops';
