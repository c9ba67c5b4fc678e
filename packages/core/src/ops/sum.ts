import { allocate, type DType, type TypedArray } from '../dtype.js';
import { ShapeError, fmtShape } from '../errors.js';
import { reductionLayout } from '../kernels/reduce.js';
import { defineOp, registerMethod } from '../registry.js';
import { canBroadcastTo, checkNormalizedDims, normalizeDims, shapesEqual } from '../shape.js';
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

/**
 * acc[j] += Σ_r data[offset + r·n + j] over `count` rows, n = acc.length, rows in order. Four
 * columns per iteration: V8 runs the loop ~2x faster so unrolled (a position embedding's
 * gradient summed over the batch here); each column still adds its rows in order.
 */
function addColumns(acc: Float64Array, data: TypedArray, offset: number, count: number): void {
  const n = acc.length;
  for (let r = 0, start = offset; r < count; r++, start += n) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = start + j;
      acc[j] += data[k]!;
      acc[j + 1] += data[k + 1]!;
      acc[j + 2] += data[k + 2]!;
      acc[j + 3] += data[k + 3]!;
    }
    for (; j < n; j++) acc[j] += data[start + j]!;
  }
}

/**
 * {@link addColumns} for float32 alone: V8 keeps one function's element loads specialised to
 * one array type, and float32 gradients are the common case (a bias's, through sumToShape).
 */
function addColumnsF32(acc: Float64Array, data: Float32Array, offset: number, count: number): void {
  const n = acc.length;
  for (let r = 0, start = offset; r < count; r++, start += n) {
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const k = start + j;
      acc[j] += data[k]!;
      acc[j + 1] += data[k + 1]!;
      acc[j + 2] += data[k + 2]!;
      acc[j + 3] += data[k + 3]!;
    }
    for (; j < n; j++) acc[j] += data[start + j]!;
  }
}

/**
 * Sums a contiguous `x` over its first `k` dims (a broadcast batch, as in a bias gradient)
 * column by column, without moving the reduced dims last: each output adds its elements in
 * the same order as the row-wise kernel, so the results are identical.
 */
function sumLeadingDims(x: Tensor, k: number, keepDim: boolean): Tensor {
  const count = x.shape.slice(0, k).reduce((p, q) => p * q, 1);
  const shape = x.shape.slice(k);
  const n = shape.reduce((p, q) => p * q, 1);
  const acc = new Float64Array(n);
  const data = x.storage.data;
  if (data instanceof Float32Array) addColumnsF32(acc, data, x.offset, count);
  else addColumns(acc, data, x.offset, count);
  const out = allocate(sumType(x.dtype), n);
  out.set(acc);
  return Tensor.fromData(out, keepDim ? [...x.shape.slice(0, k).map(() => 1), ...shape] : shape);
}

function sumKernel(x: Tensor, dims: readonly number[], keepDim: boolean): Tensor {
  const leading = dims.length > 0 && dims.length < x.ndim && dims.every((d, i) => d === i);
  if (leading && x.isContiguous()) return sumLeadingDims(x, dims.length, keepDim);
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
  check: ({ x }, { dims }) => checkNormalizedDims('sum', 'dims', dims, x.ndim),
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
