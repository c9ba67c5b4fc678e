import { ArgumentError, fmtShape, normalizeDim, registerMethod, squeeze, type Tensor } from '@tsgrad/core';
import { maximum, minimum } from '../elementwise/maximum-minimum.js';
import { amax, amin } from './amax-amin.js';
import { argmax, argmin } from './argmax-argmin.js';
import { pickAlongDim } from './pick-along-dim.js';

/** What `max(x, dim)` and `min(x, dim)` return. */
export interface ValuesIndices {
  /** The extreme values, `x`'s shape without `dim` (or with size 1 when `keepDim`). */
  values: Tensor;
  /** Their int32 positions along `dim`, the first on ties; same shape as `values`. */
  indices: Tensor;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** `max(this)`: the largest element. */
    max(): Tensor;
    /** `max(this, dim, keepDim)`: values and indices along `dim`. */
    max(dim: number, keepDim?: boolean): ValuesIndices;
    /** `max(this, other)`: the elementwise maximum. */
    max(other: Tensor): Tensor;
    /** `min(this)`: the smallest element. */
    min(): Tensor;
    /** `min(this, dim, keepDim)`: values and indices along `dim`. */
    min(dim: number, keepDim?: boolean): ValuesIndices;
    /** `min(this, other)`: the elementwise minimum. */
    min(other: Tensor): Tensor;
  }
}

/** Empty reductions are refused under the name the user called. */
function refuseEmpty(op: string, x: Tensor, dim?: number): void {
  const size = dim === undefined ? x.size : x.ndim === 0 ? 1 : x.shape[dim]!;
  if (size === 0) {
    throw new ArgumentError(
      `${op}: cannot reduce over an empty dimension (input shape ${fmtShape(x.shape)}${dim === undefined ? '' : `, dim ${dim}`})`,
    );
  }
}

function alongDim(op: string, x: Tensor, dim: number, keepDim: boolean, findMax: boolean): ValuesIndices {
  const d = normalizeDim(op, dim, x.ndim);
  refuseEmpty(op, x, d);
  const index = (findMax ? argmax : argmin)(x, d, true);
  const values = pickAlongDim(x, index, { dim: d, keepDim });
  return { values, indices: keepDim || x.ndim === 0 ? index : squeeze(index, d) };
}

/**
 * PyTorch's three `max` forms:
 * - `max(x)`: the largest element as a 0-d tensor (NaN if any; empty input refused). Ties
 *   share the gradient evenly (it is `amax` over all dims).
 * - `max(x, dim, keepDim = false)`: `{ values, indices }` along `dim` (negative counts from
 *   the end); indices are int32, the first maximum on ties; the gradient goes to that element.
 * - `max(a, b)`: the elementwise {@link maximum} with broadcasting.
 * Any dtype for the reductions.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, keepDim = false): Tensor | ValuesIndices {
  if (dimOrOther === undefined) {
    refuseEmpty('max', x);
    return amax(x);
  }
  if (typeof dimOrOther === 'number') return alongDim('max', x, dimOrOther, keepDim, true);
  return maximum(x, dimOrOther);
}

/** PyTorch's three `min` forms, the mirror of {@link max}. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepDim?: boolean): ValuesIndices;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, keepDim = false): Tensor | ValuesIndices {
  if (dimOrOther === undefined) {
    refuseEmpty('min', x);
    return amin(x);
  }
  if (typeof dimOrOther === 'number') return alongDim('min', x, dimOrOther, keepDim, false);
  return minimum(x, dimOrOther);
}

registerMethod('max', max as (x: Tensor, dimOrOther?: number | Tensor, keepDim?: boolean) => Tensor | ValuesIndices);
registerMethod('min', min as (x: Tensor, dimOrOther?: number | Tensor, keepDim?: boolean) => Tensor | ValuesIndices);
