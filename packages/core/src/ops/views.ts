import { allocate, allocateUninitialized } from '../dtype.js';
import { ArgumentError, ShapeError, fmtShape } from '../errors.js';
import { copyStrided } from '../kernels/strided.js';
import { assignRow, updateInPlace } from '../kernels/elementwise.js';
import { defineOp, registerMethod, type Op } from '../registry.js';
import { checkNormalizedDim, contiguousStrides, inferShape, normalizeDim, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { sumToShape } from './sum.js';

declare module '../tensor.js' {
  interface Tensor {
    /** `reshape(this, shape)`. */
    reshape(shape: readonly number[]): Tensor;
    /** `view(this, shape)`. */
    view(shape: readonly number[]): Tensor;
    /** `expand(this, shape)`. */
    expand(shape: readonly number[]): Tensor;
    /** `transpose(this, dim0, dim1)`. */
    transpose(dim0: number, dim1: number): Tensor;
    /** `permute(this, dims)`. */
    permute(dims: readonly number[]): Tensor;
    /** `unsqueeze(this, dim)`. */
    unsqueeze(dim: number): Tensor;
    /** `squeeze(this, dim)`. */
    squeeze(dim?: number | readonly number[]): Tensor;
    /** `slice(this, dim, start, end, step)`. */
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    /** `narrow(this, dim, start, length)`. */
    narrow(dim: number, start: number, length: number): Tensor;
    /** `contiguous(this)`. */
    contiguous(): Tensor;
    /** `clone(this)`. */
    clone(): Tensor;
  }
}

/** A contiguous copy of any view. */
function copyContiguous(x: Tensor): Tensor {
  const data = allocateUninitialized(x.dtype, x.size);
  copyStrided(x.storage.data, x.offset, x.strides, x.shape, data);
  return Tensor.fromData(data, x.shape);
}

const Contiguous = defineOp({
  name: 'contiguous',
  inputs: ['x'],
  saves: [],
  forward: ({ x }) => copyContiguous(x),
  backward: ({ dy }) => ({ x: dy }),
});

/** `x` itself when already row-major without gaps, else a contiguous copy (differentiable). */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() && x.offset + x.size <= x.storage.data.length ? x : Contiguous.apply({ x }, {});
}

/** A contiguous copy that owns its storage (differentiable). */
export function clone(x: Tensor): Tensor {
  return Contiguous.apply({ x }, {});
}

const Reshape = defineOp<'x', { shape: readonly number[] }>({
  name: 'reshape',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, { shape }) => {
    const source = x.isContiguous() ? x : copyContiguous(x);
    return new Tensor(source.storage, shape, contiguousStrides(shape), source.offset);
  },
  backward: ({ dy, inputs: { x } }) => ({ x: reshape(dy, x.shape) }),
});

/**
 * The same elements in a new shape (one entry may be -1). A view sharing storage when `x`
 * is contiguous, otherwise a copy.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', x.shape, shape);
  if (shapesEqual(target, x.shape)) return x;
  return Reshape.apply({ x }, { shape: target });
}

/** Like `reshape`, but refuses to copy: `x` must be contiguous (PyTorch's `view`). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('view', x.shape, shape);
  if (!x.isContiguous()) {
    throw new ShapeError(`view: input of shape ${fmtShape(x.shape)} is not contiguous; use reshape() or contiguous() first`);
  }
  return shapesEqual(target, x.shape) ? x : Reshape.apply({ x }, { shape: target });
}

const Expand = defineOp<'x', { shape: readonly number[] }>({
  name: 'expand',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, { shape }) => {
    const lead = shape.length - x.ndim;
    const strides = shape.map((d, i) => (i < lead || (x.shape[i - lead] === 1 && d !== 1) ? 0 : x.strides[i - lead]!));
    return new Tensor(x.storage, shape, strides, x.offset);
  },
  backward: ({ dy, inputs: { x } }) => ({ x: sumToShape(dy, x.shape) }),
});

/**
 * Broadcasts `x` to `shape` without copying (stride-0 view). New dims go on the left; -1
 * keeps a dim's size; only size-1 dims can grow. Do not write into the result.
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) {
    throw new ShapeError(`expand: cannot expand shape ${fmtShape(x.shape)} to fewer dimensions ${fmtShape(shape)}`);
  }
  const target = shape.map((d, i) => {
    const own = i < lead ? undefined : x.shape[i - lead]!;
    if (d === -1) {
      if (own === undefined) throw new ShapeError(`expand: -1 is not allowed for the new leading dim ${i} in ${fmtShape(shape)}`);
      return own;
    }
    if (!Number.isInteger(d) || d < 0 || (own !== undefined && own !== 1 && own !== d)) {
      throw new ShapeError(`expand: cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)} (dim ${i})`);
    }
    return d;
  });
  if (shapesEqual(target, x.shape)) return x;
  return Expand.apply({ x }, { shape: target });
}

const Permute = defineOp<'x', { dims: readonly number[] }>({
  name: 'permute',
  inputs: ['x'],
  saves: [],
  check: ({ x }, { dims }) => {
    dims.forEach((d) => checkNormalizedDim('permute', 'dims', d, x.ndim));
    if (dims.length !== x.ndim || new Set(dims).size !== dims.length) {
      throw new ArgumentError(`permute: dims [${dims.join(',')}] must name each of the ${x.ndim} dims of input ${fmtShape(x.shape)} once`);
    }
  },
  forward: ({ x }, { dims }) =>
    new Tensor(x.storage, dims.map((d) => x.shape[d]!), dims.map((d) => x.strides[d]!), x.offset),
  backward: ({ dy, args: { dims } }) => {
    const inverse = new Array<number>(dims.length);
    dims.forEach((d, i) => (inverse[d] = i));
    return { x: permute(dy, inverse) };
  },
});

/** Reorders dimensions (a view): result dim i is input dim `dims[i]`. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(`permute: dims [${dims.join(',')}] must name each of the ${x.ndim} dims of input ${fmtShape(x.shape)} once`);
  }
  const normalized = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(normalized).size !== normalized.length) {
    throw new ArgumentError(`permute: dims [${dims.join(',')}] repeat a dimension`);
  }
  if (normalized.every((d, i) => d === i)) return x;
  return Permute.apply({ x }, { dims: normalized });
}

/** Swaps two dimensions (a view). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  if (x.ndim < 2 || a === b) return x;
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return Permute.apply({ x }, { dims });
}

/** Inserts a size-1 dimension at `dim` (a view); `dim` may be `ndim` or negative. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshapeView(x, shape);
}

/** Removes size-1 dimensions: all of them, or those named (others are left alone, as in PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const named =
    dim === undefined ? null : new Set((typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim('squeeze', d, x.ndim)));
  const shape = x.shape.filter((d, i) => d !== 1 || (named !== null && !named.has(i)));
  return reshapeView(x, shape);
}

const ResizeOnes = defineOp<'x', { shape: readonly number[] }>({
  name: 'unsqueeze',
  inputs: ['x'],
  saves: [],
  forward: ({ x }, { shape }) => {
    // Only size-1 dims differ, so the other dims keep their strides in order.
    const strides = x.strides.filter((_, i) => x.shape[i] !== 1);
    let j = 0;
    return new Tensor(x.storage, shape, shape.map((d) => (d === 1 ? 0 : strides[j++]!)), x.offset);
  },
  backward: ({ dy, inputs: { x } }) => ({ x: reshapeView(dy, x.shape) }),
});

/** Inserts or removes size-1 dims: always a view, even of non-contiguous data. */
function reshapeView(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(shape, x.shape) ? x : ResizeOnes.apply({ x }, { shape });
}

/** Python-style slice bounds over a dim of `size`: negatives count from the end, then clamp. */
function sliceBounds(size: number, start: number, end: number): [number, number] {
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clamp(start);
  return [s, Math.max(clamp(end), s)];
}

interface SliceArgs {
  dim: number;
  start: number;
  end: number;
  step: number;
}

/** Refuses slice args that `slice` could not have passed: a normalised dim and 0 <= start <= end <= size, step >= 1. */
function checkSliceArgs(op: string, { dim, start, end, step }: SliceArgs, shape: readonly number[]): void {
  checkNormalizedDim(op, 'dim', dim, shape.length);
  const size = shape[dim] ?? 0;
  const ok = [start, end, step].every(Number.isInteger) && start >= 0 && start <= end && end <= size && step >= 1;
  if (!ok) {
    throw new ArgumentError(
      `${op}: start ${start}, end ${end}, step ${step} must satisfy 0 <= start <= end <= ${size} and step >= 1 ` +
        `(dim ${dim} of ${fmtShape(shape)}); Op.apply takes bounds as the slice function passes them`,
    );
  }
}

const Slice: Op<'x', SliceArgs> = defineOp<'x', SliceArgs>({
  name: 'slice',
  inputs: ['x'],
  saves: [],
  check: ({ x }, args) => checkSliceArgs('slice', args, x.shape),
  forward: ({ x }, { dim, start, end, step }) => {
    const shape = [...x.shape];
    shape[dim] = Math.ceil((end - start) / step);
    const strides = [...x.strides];
    strides[dim] = x.strides[dim]! * step;
    return new Tensor(x.storage, shape, strides, x.offset + start * x.strides[dim]!);
  },
  // Fields listed, not spread: `{ ...args, shape }` adds a property after a spread, which V8
  // (Node 20) runs slowly and turns into a dictionary-mode object.
  backward: ({ dy, inputs: { x }, args: { dim, start, end, step } }) => ({
    x: SliceBackward.apply({ dy }, { dim, start, end, step, shape: x.shape }),
  }),
});

const SliceBackward: Op<'dy', SliceArgs & { shape: readonly number[] }> = defineOp<'dy', SliceArgs & { shape: readonly number[] }>({
  name: 'sliceBackward',
  inputs: ['dy'],
  saves: [],
  check: (_inputs, args) => checkSliceArgs('sliceBackward', args, args.shape),
  forward: ({ dy }, { shape, dim, start, step }) => {
    // Zeros of the input's shape with the gradient written into the sliced positions.
    const out = Tensor.fromData(allocate(dy.dtype, shape.reduce((a, b) => a * b, 1)), shape);
    const strides = [...out.strides];
    strides[dim] = out.strides[dim]! * step;
    updateInPlace(new Tensor(out.storage, dy.shape, strides, start * out.strides[dim]!), dy, assignRow);
    return out;
  },
  backward: ({ dy, args: { dim, start, end, step } }) => ({ dy: Slice.apply({ x: dy }, { dim, start, end, step }) }),
});

/**
 * Elements `start, start+step, ...` before `end` along `dim` (a view). Bounds follow Python
 * slicing: negative values count from the end and are clamped; `step` must be positive.
 */
export function slice(x: Tensor, dim: number, start = 0, end = Number.MAX_SAFE_INTEGER, step = 1): Tensor {
  const d = normalizeDim('slice', dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new ArgumentError(`slice: step must be a positive integer, got ${step}`);
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new ArgumentError(`slice: start and end must be integers, got ${start} and ${end}`);
  }
  const [s, e] = sliceBounds(x.shape[d]!, start, end);
  if (s === 0 && e === x.shape[d] && step === 1) return x;
  return Slice.apply({ x }, { dim: d, start: s, end: e, step });
}

/** `length` elements along `dim` from `start` (negative counts from the end); a view. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || s < 0 || s + length > size) {
    throw new ArgumentError(`narrow: start ${start} and length ${length} are out of range for dim ${dim} of size ${size}`);
  }
  return slice(x, d, s, s + length);
}

registerMethod('reshape', reshape);
registerMethod('view', view);
registerMethod('expand', expand);
registerMethod('transpose', transpose);
registerMethod('permute', permute);
registerMethod('unsqueeze', unsqueeze);
registerMethod('squeeze', squeeze);
registerMethod('slice', slice);
registerMethod('narrow', narrow);
registerMethod('contiguous', contiguous);
registerMethod('clone', clone);
