import {
  ShapeError,
  Tensor,
  allocate,
  checkNormalizedDim,
  contiguous,
  contiguousStrides,
  copyStrided,
  defineOp,
  fmtShape,
  normalizeDim,
  promoteTypes,
  registerMethod,
  zeros,
  type Op,
} from '@tsgrad/core';
import { gatherKernel, scatterAddKernel } from '../kernels/index-gather.js';
import { checkIndexRange, indexData, requireInt32Index } from './index-checks.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `gather(this, dim, index)`. */
    gather(dim: number, index: Tensor): Tensor;
    /** `scatterAdd(this, dim, index, src)`. */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
  }
}

/** PyTorch's rule: index has x's rank and is no larger than x in every dim but `dim`. */
function checkIndexShape(op: string, x: Tensor, index: Tensor, dim: number): void {
  requireInt32Index(op, 'index', index);
  if (index.ndim !== x.ndim) {
    throw new ShapeError(`${op}: index ${fmtShape(index.shape)} must have as many dims as the input ${fmtShape(x.shape)}`);
  }
  index.shape.forEach((s, d) => {
    if (d !== dim && s > x.shape[d]!) {
      throw new ShapeError(`${op}: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} in dim ${d}`);
    }
  });
  checkIndexRange(op, index, dim, x.ndim === 0 ? 1 : x.shape[dim]!);
}

const Gather: Op<'x' | 'index', { dim: number }> = defineOp<'x' | 'index', { dim: number }, undefined, 'x'>({
  name: 'gather',
  inputs: ['x', 'index'],
  differentiable: ['x'],
  saves: ['index'],
  check: ({ x, index }, { dim }) => {
    checkNormalizedDim('gather', 'dim', dim, x.ndim);
    checkIndexShape('gather', x, index, dim);
  },
  forward: ({ x, index }, { dim }) => {
    const out = allocate(x.dtype, index.size);
    const idx = indexData(index);
    gatherKernel(out, x.storage.data, x.offset, x.strides, idx.data, idx.offset, index.shape, dim);
    return Tensor.fromData(out, index.shape);
  },
  // Each output element read one input element: d(gather) scatter-adds dy back.
  backward: ({ dy, inputs: { x, index }, args: { dim } }) => ({
    x: scatterAdd(zeros(x.shape, { dtype: dy.dtype }), dim, index, dy),
  }),
});

const ScatterAdd: Op<'x' | 'index' | 'src', { dim: number }> = defineOp<'x' | 'index' | 'src', { dim: number }, undefined, 'x' | 'src'>({
  name: 'scatterAdd',
  inputs: ['x', 'index', 'src'],
  differentiable: ['x', 'src'],
  saves: ['index'],
  check: ({ x, index, src }, { dim }) => {
    checkNormalizedDim('scatterAdd', 'dim', dim, x.ndim);
    if (src.ndim !== index.ndim || src.shape.some((s, d) => s !== index.shape[d])) {
      throw new ShapeError(`scatterAdd: src ${fmtShape(src.shape)} must have the index's shape ${fmtShape(index.shape)}`);
    }
    checkIndexShape('scatterAdd', x, index, dim);
  },
  forward: ({ x, index, src }, { dim }) => {
    const out = allocate(promoteTypes(x.dtype, src.dtype), x.size);
    copyStrided(x.storage.data, x.offset, x.strides, x.shape, out);
    const s = contiguous(src);
    const idx = indexData(index);
    scatterAddKernel(out, contiguousStrides(x.shape), s.storage.data, s.offset, idx.data, idx.offset, index.shape, dim);
    return Tensor.fromData(out, x.shape);
  },
  // d(x + scatter(src)) = dx + scatter(dsrc): x passes dy through, src reads it back by gather.
  backward: ({ dy, inputs: { index }, args: { dim }, needsGrad }) => ({
    x: dy,
    src: needsGrad.src ? gather(dy, dim, index) : null,
  }),
});

/**
 * Picks values along `dim` by an int32 `index` of the same rank (PyTorch's `gather`): for
 * dim 1, `out[i][j][k] = x[i][index[i][j][k]][k]`. The output has the index's shape; the
 * index may be smaller than `x` in the other dims. Any dtype; indices must lie in
 * `[0, x.shape[dim])`. The gradient scatter-adds, so repeated indices accumulate.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return Gather.apply({ x, index }, { dim: normalizeDim('gather', dim, x.ndim) });
}

/**
 * `x` plus `src` added at the positions `index` names along `dim` (PyTorch's `scatter_add`):
 * for dim 0, `out[index[i][j]][j] += src[i][j]`; repeated indices accumulate. `src` must have
 * the index's shape (PyTorch also allows a larger src). Result dtype: promotion of x and src.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return ScatterAdd.apply({ x, index, src }, { dim: normalizeDim('scatterAdd', dim, x.ndim) });
}

registerMethod('gather', gather);
registerMethod('scatterAdd', scatterAdd);
