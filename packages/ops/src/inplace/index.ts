/**
 * In-place ops beyond core's add_/sub_/mul_/div_/fill_/zero_/copy_ (those are re-exported by
 * the package index): the updates optimizers and clipping need.
 */
export { clamp_ } from './clamp.js';
export { addcmul_, addcdiv_, lerp_, sqrt_, type AddcOptions } from './optimizer-updates.js';
