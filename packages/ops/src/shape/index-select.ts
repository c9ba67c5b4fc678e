import {
  ShapeError,
  Tensor,
  allocate,
  allocateUninitialized,
  checkNormalizedDim,
  contiguous,
  defineOp,
  fmtShape,
  normalizeDim,
  registerMethod,
  type Op,
} from '@tsgrad/core';
import { indexAddRows, indexSelectRows } from '../kernels/index-select.js';
import { checkIndexRange, indexData, requireInt32Index } from './index-checks.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `indexSelect(this, dim, index)`. */
    indexSelect(dim: number, index: Tensor): Tensor;
  }
}

interface IndexArgs {
  dim: number;
}

/** `x`'s shape as (outer, size, inner) around `dim`. */
function around(shape: readonly number[], dim: number): { outer: number; size: number; inner: number } {
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  return { outer: prod(shape.slice(0, dim)), size: shape[dim] ?? 1, inner: prod(shape.slice(dim + 1)) };
}

const IndexSelect: Op<'x' | 'index', IndexArgs> = defineOp<'x' | 'index', IndexArgs, undefined, 'x'>({
  name: 'indexSelect',
  inputs: ['x', 'index'],
  differentiable: ['x'],
  saves: ['index'],
  check: ({ x, index }, { dim }) => {
    checkNormalizedDim('indexSelect', 'dim', dim, x.ndim);
    requireInt32Index('indexSelect', 'index', index);
    if (index.ndim > 1) throw new ShapeError(`indexSelect: index must be 0-d or 1-D, got shape ${fmtShape(index.shape)}`);
    checkIndexRange('indexSelect', index, dim, x.ndim === 0 ? 1 : x.shape[dim]!);
  },
  forward: ({ x, index }, { dim }) => {
    const src = contiguous(x);
    const { outer, size, inner } = around(x.shape, dim);
    const shape = x.ndim === 0 ? [] : x.shape.map((s, d) => (d === dim ? index.size : s));
    const out = allocateUninitialized(x.dtype, outer * index.size * inner);
    const idx = indexData(index);
    indexSelectRows(out, src.storage.data, src.offset, outer, size, inner, idx.data, idx.offset, index.size);
    return Tensor.fromData(out, shape);
  },
  // Each selected slice is a copy: d(indexSelect) adds dy's slices back, repeats accumulating.
  backward: ({ dy, inputs: { x, index }, args: { dim } }) => ({
    x: IndexSelectBackward.apply({ dy, index }, { dim, shape: x.shape }),
  }),
});

const IndexSelectBackward: Op<'dy' | 'index', IndexArgs & { shape: readonly number[] }> = defineOp<
  'dy' | 'index',
  IndexArgs & { shape: readonly number[] },
  undefined,
  'dy'
>({
  name: 'indexSelectBackward',
  inputs: ['dy', 'index'],
  differentiable: ['dy'],
  saves: ['index'],
  check: (_inputs, { dim, shape }) => checkNormalizedDim('indexSelectBackward', 'dim', dim, shape.length),
  forward: ({ dy, index }, { dim, shape }) => {
    const g = contiguous(dy);
    const { outer, size, inner } = around(shape, dim);
    const out = allocate(dy.dtype, outer * size * inner);
    const idx = indexData(index);
    indexAddRows(out, g.storage.data, g.offset, outer, size, inner, idx.data, idx.offset, index.size);
    return Tensor.fromData(out, shape);
  },
  // Linear in dy; its adjoint is the selection again.
  backward: ({ dy, inputs: { index }, args: { dim } }) => ({ dy: indexSelect(dy, dim, index) }),
});

/**
 * The slices of `x` at the int32 positions `index` (0-d or 1-D) along `dim`, in index order:
 * `x` of shape `(a, n, b)` with an index of length k gives `(a, k, b)`. Any dtype. Indices
 * must lie in `[0, x.shape[dim])`. This is the embedding lookup (dim 0): its gradient adds
 * each output row back into its source row, repeated indices accumulating.
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return IndexSelect.apply({ x, index }, { dim: normalizeDim('indexSelect', dim, x.ndim) });
}

registerMethod('indexSelect', indexSelect);
