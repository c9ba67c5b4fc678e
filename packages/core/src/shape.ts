import { ArgumentError, ShapeError, fmtShape } from './errors.js';

/** A tensor shape: one non-negative integer per dimension; `[]` is a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar, 0 when any dimension is 0). */
export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-contiguous) strides of a shape, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** True when the two shapes are identical. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every entry is a non-negative integer; `op` and `arg` name the caller. */
export function checkShape(op: string, arg: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: ${arg} must hold non-negative integers, got ${fmtShape(shape)}`);
    }
  }
}

/**
 * Maps a possibly negative dim onto `[0, ndim)`, PyTorch style: -1 is the last dimension.
 * A scalar accepts dims 0 and -1, as PyTorch does.
 */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const range = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -range || dim >= range) {
    throw new ArgumentError(
      `${op}: dim ${dim} is out of range for a tensor with ${ndim} dimension${ndim === 1 ? '' : 's'} ` +
        `(expected ${-range}..${range - 1})`,
    );
  }
  return dim < 0 ? dim + range : dim;
}

/**
 * Refuses a dim that is not already normalised (an integer in 0 .. ndim − 1; 0 for a scalar).
 * The public functions map negative dims with {@link normalizeDim} and hand ops the result;
 * an op's `check` calls this so that `Op.apply` called directly with, say, -1 throws instead of
 * indexing the wrong dimension.
 */
export function checkNormalizedDim(op: string, arg: string, dim: number, ndim: number): void {
  const range = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < 0 || dim >= range) {
    throw new ArgumentError(
      `${op}: ${arg} ${dim} is not a normalised dim of a ${ndim}-d tensor (expected 0..${range - 1}); ` +
        `Op.apply takes dims as the ${op} function passes them, negative ones already mapped`,
    );
  }
}

/**
 * Refuses a dim list that {@link normalizeDims} could not have produced: each normalised
 * (see {@link checkNormalizedDim}), ascending, none repeated.
 */
export function checkNormalizedDims(op: string, arg: string, dims: readonly number[], ndim: number): void {
  dims.forEach((d, i) => {
    checkNormalizedDim(op, arg, d, ndim);
    if (i > 0 && d <= dims[i - 1]!) {
      throw new ArgumentError(`${op}: ${arg} [${dims.join(',')}] must be ascending without repeats, as the ${op} function passes them`);
    }
  });
}

/** Normalises a list of dims, refusing duplicates; returns them sorted ascending. */
export function normalizeDims(op: string, dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(op, d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new ArgumentError(`${op}: dim ${d} appears more than once in [${dims.join(',')}]`);
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The shape two shapes broadcast to under NumPy/PyTorch rules: align on the right, each pair
 * of sizes must be equal or one of them 1 (a size-0 dim broadcasts only against 0 or 1).
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Broadcasts any number of shapes together. */
export function broadcastAll(op: string, shapes: readonly Shape[]): number[] {
  let out: number[] = [];
  for (const s of shapes) out = broadcastShapes(op, out, s);
  return out;
}

/** True when `from` can be broadcast to exactly `to`. */
export function canBroadcastTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const f = from[from.length - i]!;
    if (f !== 1 && f !== to[to.length - i]) return false;
  }
  return true;
}

/**
 * Strides that read a tensor of shape `shape` with strides `strides` as if broadcast to
 * `target`: broadcast dimensions get stride 0, missing leading dimensions too.
 */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i]!;
  }
  return out;
}

/**
 * Resolves a reshape target that may contain one -1 against `size` elements.
 */
export function inferShape(op: string, from: Shape, to: readonly number[]): number[] {
  const size = shapeSize(from);
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < to.length; i++) {
    const d = to[i]!;
    if (d === -1) {
      if (unknown >= 0) throw new ShapeError(`${op}: only one dimension can be -1, got ${fmtShape(to)}`);
      unknown = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: invalid size ${d} in shape ${fmtShape(to)}`);
    } else {
      known *= d;
    }
  }
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(to)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
    }
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new ShapeError(`${op}: shape ${fmtShape(to)} is invalid for input of shape ${fmtShape(from)} (${size} elements)`);
  }
  return out;
}
