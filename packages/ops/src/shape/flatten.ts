import { ArgumentError, Tensor, expand, normalizeDim, registerMethod, reshape } from '@tsgrad/core';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `flatten(this, startDim, endDim)`. */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** `expandAs(this, other)`. */
    expandAs(other: Tensor): Tensor;
  }
}

/**
 * Merges dims `startDim..endDim` (inclusive, negatives count from the end) into one:
 * `(2, 3, 4)` flattened from 1 gives `(2, 12)`; the defaults give a 1-D tensor and a 0-d
 * tensor becomes shape `[1]`. A view when `x` is contiguous, else a copy (like `reshape`).
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) {
    normalizeDim('flatten', startDim, 0);
    normalizeDim('flatten', endDim, 0);
    return reshape(x, [1]);
  }
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new ArgumentError(`flatten: startDim ${startDim} comes after endDim ${endDim} for a tensor with ${x.ndim} dimensions`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** `x` broadcast to `other`'s shape without copying (`expand(x, other.shape)`). */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  if (!(other instanceof Tensor)) throw new ArgumentError('expandAs: other must be a Tensor');
  return expand(x, other.shape);
}

registerMethod('flatten', flatten);
registerMethod('expandAs', expandAs);
