import { Tensor, allocate, checkNormalizedDims, defineOp, expand, mul, reductionLayout, registerMethod } from '@tsgrad/core';
import { statisticType } from '../elementwise/dtype-rules.js';
import { reducedCount, reductionDims, withKeptDims, type ReduceArgs, type ReduceDims } from './dims.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `mean(this, dim, keepDim)`. */
    mean(dim?: ReduceDims, keepDim?: boolean): Tensor;
  }
}

function meanKernel(x: Tensor, { dims, keepDim }: ReduceArgs): Tensor {
  const layout = reductionLayout(x, dims);
  const { data, length, rows } = layout;
  const out = allocate(statisticType(x.dtype), rows);
  for (let r = 0, start = layout.offset; r < rows; r++, start += length) {
    let acc = 0;
    for (let i = start, end = start + length; i < end; i++) acc += data[i]!;
    out[r] = acc / length;
  }
  return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
}

const Mean = defineOp<'x', ReduceArgs>({
  name: 'mean',
  inputs: ['x'],
  saves: [],
  check: ({ x }, { dims }) => checkNormalizedDims('mean', 'dims', dims, x.ndim),
  forward: ({ x }, args) => meanKernel(x, args),
  // Each element contributes 1/N to its row's mean.
  backward: ({ dy, inputs: { x }, args: { dims, keepDim } }) => ({
    x: mul(expand(withKeptDims(dy, x.shape, dims, keepDim), x.shape), 1 / reducedCount(x.shape, dims)),
  }),
});

/**
 * Arithmetic mean over `dim` (one dim, several, or all when omitted; negative dims count from
 * the end). `keepDim` keeps reduced dims as size 1. Float dtypes are kept; int32 and bool
 * give float32 (PyTorch refuses them). The mean of an empty reduction is NaN.
 */
export function mean(x: Tensor, dim?: ReduceDims, keepDim = false): Tensor {
  return Mean.apply({ x }, { dims: reductionDims('mean', x, dim), keepDim });
}

registerMethod('mean', mean);
