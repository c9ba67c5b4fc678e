import { normalizeDims, reshape, type Tensor } from '@tsgrad/core';

/** The `dim` argument of reductions: one dim, several, or (undefined/null) all of them. */
export type ReduceDims = number | readonly number[] | null | undefined;

/** Arguments every reduction op carries: normalised sorted dims and keepDim. */
export interface ReduceArgs {
  dims: number[];
  keepDim: boolean;
}

/**
 * Normalises a reduction's `dim` against `x` (negative dims allowed, duplicates refused):
 * sorted dims, all of them when `dim` is undefined or null. A 0-d tensor reduces over nothing.
 */
export function reductionDims(op: string, x: Tensor, dim: ReduceDims): number[] {
  if (x.ndim === 0) {
    if (dim !== undefined && dim !== null) normalizeDims(op, typeof dim === 'number' ? [dim] : dim, 0);
    return [];
  }
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  return normalizeDims(op, typeof dim === 'number' ? [dim] : dim, x.ndim);
}

/** `x`'s shape with the reduced dims set to 1. */
export function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((d, i) => (dims.includes(i) ? 1 : d));
}

/**
 * A reduced tensor (or its gradient) reshaped to the kept shape (reduced dims as size 1), so
 * that it broadcasts against the input. A no-op when the reduction kept its dims.
 */
export function withKeptDims(t: Tensor, inputShape: readonly number[], dims: readonly number[], keepDim: boolean): Tensor {
  return keepDim ? t : reshape(t, keptShape(inputShape, dims));
}

/** Number of input elements that fold into each output element. */
export function reducedCount(shape: readonly number[], dims: readonly number[]): number {
  return dims.reduce((n, d) => n * shape[d]!, 1);
}
