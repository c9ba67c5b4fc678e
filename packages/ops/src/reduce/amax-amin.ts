import { Tensor, allocate, cast, checkNormalizedDims, defineOp, div, expand, mul, reductionLayout, registerMethod, sum, type Op } from '@tsgrad/core';
import { eq } from '../elementwise/compare.js';
import { reductionDims, withKeptDims, type ReduceArgs, type ReduceDims } from './dims.js';
import { checkNonEmpty, rowArgmax, rowArgmin } from './row-extremes.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `amax(this, dim, keepDim)`. */
    amax(dim?: ReduceDims, keepDim?: boolean): Tensor;
    /** `amin(this, dim, keepDim)`. */
    amin(dim?: ReduceDims, keepDim?: boolean): Tensor;
  }
}

function extremeKernel(x: Tensor, { dims, keepDim }: ReduceArgs, findMax: boolean): Tensor {
  const layout = reductionLayout(x, dims);
  const index = new Int32Array(layout.rows);
  (findMax ? rowArgmax : rowArgmin)(layout, index);
  const out = allocate(x.dtype, layout.rows);
  for (let r = 0; r < layout.rows; r++) out[r] = layout.data[layout.offset + r * layout.length + index[r]!]!;
  return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
}

/**
 * d amax = dy / k on each of the k elements equal to the extreme, 0 elsewhere: ties share the
 * gradient evenly, as PyTorch.
 */
function evenSplitGrad(dy: Tensor, x: Tensor, output: Tensor, { dims, keepDim }: ReduceArgs): Tensor {
  const hits = cast(eq(x, withKeptDims(output, x.shape, dims, keepDim)), dy.dtype);
  const count = sum(hits, dims, true);
  return mul(expand(withKeptDims(dy, x.shape, dims, keepDim), x.shape), div(hits, count));
}

function defineExtreme(name: string, findMax: boolean): Op<'x', ReduceArgs> {
  return defineOp<'x', ReduceArgs>({
    name,
    inputs: ['x'],
    saves: ['x', 'output'],
    check: ({ x }, { dims }) => {
      checkNormalizedDims(name, 'dims', dims, x.ndim);
      checkNonEmpty(name, x, dims);
    },
    forward: ({ x }, args) => extremeKernel(x, args, findMax),
    backward: ({ dy, inputs: { x }, output, args }) => ({ x: evenSplitGrad(dy, x, output, args) }),
  });
}

const Amax = defineExtreme('amax', true);
const Amin = defineExtreme('amin', false);

/**
 * Maximum over `dim` (one, several, or all dims when omitted), keeping the dtype (any dtype).
 * NaN propagates. Reducing over an empty dim is refused. The gradient is split evenly among
 * tied maxima, as in PyTorch.
 */
export function amax(x: Tensor, dim?: ReduceDims, keepDim = false): Tensor {
  return Amax.apply({ x }, { dims: reductionDims('amax', x, dim), keepDim });
}

/** Minimum over `dim`, the mirror of {@link amax}. */
export function amin(x: Tensor, dim?: ReduceDims, keepDim = false): Tensor {
  return Amin.apply({ x }, { dims: reductionDims('amin', x, dim), keepDim });
}

registerMethod('amax', amax);
registerMethod('amin', amin);
