import { allocate, type TypedArray } from '../dtype.js';
import { contiguousStrides } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { copyStrided } from './strided.js';

/** A tensor's data rearranged so each reduction runs over one contiguous row. */
export interface ReductionLayout {
  /** Row-major data: `rows` rows of `length` elements each (may be the tensor's own storage). */
  data: TypedArray;
  /** Offset of row 0 inside `data`. */
  offset: number;
  /** Number of independent reductions: the product of the kept dims (one output element each). */
  rows: number;
  /** Elements reduced per row: the product of the reduced dims. */
  length: number;
  /** Output shape without the reduced dims. */
  shape: number[];
  /** Output shape with the reduced dims kept as size 1. */
  keptShape: number[];
}

/**
 * Moves the (sorted, normalised) `dims` of `x` to the end and lays the data out row-major,
 * copying only when the tensor is not already in that order. Every reduction then walks rows.
 */
export function reductionLayout(x: Tensor, dims: readonly number[]): ReductionLayout {
  const reduced = new Set(dims);
  const kept = x.shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const order = [...kept, ...dims];
  const shape = kept.map((i) => x.shape[i]!);
  const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const length = dims.reduce((n, d) => n * x.shape[d]!, 1);
  const rows = shape.reduce((n, d) => n * d, 1);
  const permutedShape = order.map((i) => x.shape[i]!);
  const permutedStrides = order.map((i) => x.strides[i]!);
  const expected = contiguousStrides(permutedShape);
  const inOrder = permutedShape.every((d, i) => d === 1 || permutedStrides[i] === expected[i]);
  if (inOrder) return { data: x.storage.data, offset: x.offset, rows, length, shape, keptShape };
  const data = allocate(x.dtype, x.size);
  copyStrided(x.storage.data, x.offset, permutedStrides, permutedShape, data);
  return { data, offset: 0, rows, length, shape, keptShape };
}
