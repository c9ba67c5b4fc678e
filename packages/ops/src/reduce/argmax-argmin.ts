import { Tensor, checkNormalizedDims, defineOp, normalizeDim, reductionLayout, registerMethod, type Op } from '@tsgrad/core';
import { checkNonEmpty, rowArgmax, rowArgmin } from './row-extremes.js';
import type { ReduceArgs } from './dims.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `argmax(this, dim, keepDim)`. */
    argmax(dim?: number, keepDim?: boolean): Tensor;
    /** `argmin(this, dim, keepDim)`. */
    argmin(dim?: number, keepDim?: boolean): Tensor;
  }
}

function defineArgExtreme(name: string, findMax: boolean): Op<'x', ReduceArgs> {
  return defineOp<'x', ReduceArgs, undefined, never>({
    name,
    inputs: ['x'],
    differentiable: [],
    saves: [],
    check: ({ x }, { dims }) => {
      checkNormalizedDims(name, 'dims', dims, x.ndim);
      checkNonEmpty(name, x, dims);
    },
    forward: ({ x }, { dims, keepDim }) => {
      const layout = reductionLayout(x, dims);
      const out = new Int32Array(layout.rows);
      (findMax ? rowArgmax : rowArgmin)(layout, out);
      return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
    },
    backward: () => ({}),
  });
}

const Argmax = defineArgExtreme('argmax', true);
const Argmin = defineArgExtreme('argmin', false);

/** Dims of an arg-reduction: the one dim given, or all (a flat index into the row-major data). */
export function argDims(op: string, x: Tensor, dim: number | undefined): number[] {
  if (dim === undefined) return x.shape.map((_, i) => i);
  const d = normalizeDim(op, dim, x.ndim);
  return x.ndim === 0 ? [] : [d];
}

/**
 * Index of the maximum along `dim` as int32 (PyTorch gives int64), the first one on ties;
 * NaN counts as the maximum. Without `dim`, the flat index into the row-major elements.
 * `keepDim` keeps the reduced dim(s) as size 1. Any dtype; empty reductions are refused.
 * Not differentiable.
 */
export function argmax(x: Tensor, dim?: number, keepDim = false): Tensor {
  return Argmax.apply({ x }, { dims: argDims('argmax', x, dim), keepDim });
}

/** Index of the minimum along `dim`, the mirror of {@link argmax}. */
export function argmin(x: Tensor, dim?: number, keepDim = false): Tensor {
  return Argmin.apply({ x }, { dims: argDims('argmin', x, dim), keepDim });
}

registerMethod('argmax', argmax);
registerMethod('argmin', argmin);
