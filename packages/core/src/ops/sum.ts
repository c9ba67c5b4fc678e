import { allocate, type DType } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { reductionLayout } from '../kernels/reduce.js';
import { defineOp, registerMethod } from '../registry.js';
import { canBroadcastTo, normalizeDims, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expand, reshape } from './views.js';

declare module '../tensor.js' {
  interface Tensor {
    /** `sum(this, dim, keepDim)`. */
    sum(dim?: number | readonly number[], keepDim?: boolean): Tensor;
    /** `sumToShape(this, shape)`. */
    sumToShape(shape: readonly number[]): Tensor;
  }
}

/** Sum of bool/int32 is int32, of floats keeps the float dtype. */
function sumType(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

function sumKernel(x: Tensor, dims: readonly number[], keepDim: boolean): Tensor {
  const layout = reductionLayout(x, dims);
  const out = allocate(sumType(x.dtype), layout.rows);
  const { data, length } = layout;
  for (let r = 0, start = layout.offset; r < layout.rows; r++, start += length) {
    let acc = 0;
    for (let i = start, end = start + length; i < end; i++) acc += data[i]!;
    out[r] = acc;
  }
  return Tensor.fromData(out, keepDim ? layout.keptShape : layout.shape);
}

const Sum = defineOp<'x', { dims: number[]; keepDim: boolean }>({
  name: 'sum',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, { dims, keepDim }) => sumKernel(x, dims, keepDim),
  backward: ({ dy, inputs: { x }, args: { dims, keepDim } }) => {
    // Each input element contributes once to its row's sum: broadcast dy back.
    const kept = keepDim ? dy : reshape(dy, x.shape.map((d, i) => (dims.includes(i) ? 1 : d)));
    return { x: expand(kept, x.shape) };
  },
});

/**
 * Sum over `dim` (one dim, several, or all when omitted). `keepDim` keeps reduced dims as
 * size 1. bool/int32 sums are int32. An empty reduction gives 0.
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepDim = false): Tensor {
  const all = x.shape.map((_, i) => i);
  const dims = dim === undefined ? all : normalizeDims('sum', typeof dim === 'number' ? [dim] : dim, x.ndim);
  return Sum.apply({ x }, { dims: x.ndim === 0 ? [] : dims, keepDim });
}

const SumToShape = defineOp<'x', { shape: readonly number[] }>({
  name: 'sumToShape',
  inputs: ['x'],
  saves: [],
  check: ({ x }, { shape }) => {
    if (!canBroadcastTo(shape, x.shape)) {
      throw new ShapeError(`sumToShape: shape ${fmtShape(shape)} does not broadcast to the input's shape ${fmtShape(x.shape)}`);
    }
  },
  forward: ({ x }, { shape }) => {
    const lead = x.ndim - shape.length;
    const dims = x.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1));
    return reshape(sumKernel(x, dims, true), shape);
  },
  backward: ({ dy, inputs: { x } }) => ({ x: expand(dy, x.shape) }),
});

/**
 * Sums `x` down to `shape`, the inverse of broadcasting `shape` up to `x.shape`: the
 * engine uses it to return gradients of broadcast inputs in their own shape.
 */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  return SumToShape.apply({ x }, { shape });
}

registerMethod('sum', sum);
registerMethod('sumToShape', sumToShape);
