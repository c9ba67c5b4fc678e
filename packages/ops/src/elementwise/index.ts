/** Elementwise ops with broadcasting: math, activations, comparisons, logic, selection. */
export { exp, log, log1p } from './exp-log.js';
export { sqrt, rsqrt } from './sqrt.js';
export { pow, square, reciprocal } from './pow.js';
export { abs, sign } from './abs-sign.js';
export { tanh, sigmoid } from './tanh-sigmoid.js';
export { relu } from './relu.js';
export { gelu, type GeluOptions, type GeluApproximate } from './gelu.js';
export { silu } from './silu.js';
export { erf } from './erf.js';
export { clamp, type ClampOptions } from './clamp.js';
export { maximum, minimum } from './maximum-minimum.js';
export { where } from './where.js';
export { eq, ne, lt, le, gt, ge } from './compare.js';
export { logicalAnd, logicalOr, logicalXor, logicalNot } from './logical.js';
