/** Reductions over one, several or all dims, with keepDim. */
export { mean } from './mean.js';
export { variance, variance as var, std, type VarianceOptions } from './var-std.js';
export { amax, amin } from './amax-amin.js';
export { argmax, argmin } from './argmax-argmin.js';
export { max, min, type ValuesIndices } from './max-min.js';
export { logsumexp } from './logsumexp.js';
export { prod } from './prod.js';
export type { ReduceDims } from './dims.js';
