import { allocate, castScalar, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { ArgumentError, ShapeError, fmtShape } from './errors.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, shapeSize } from './shape.js';
import { Tensor } from './tensor.js';

/** Options accepted by every factory. */
export interface TensorOptions {
  /** Element type; float32 unless stated otherwise. */
  dtype?: DType;
  /** Make the new leaf require grad (float dtypes only). */
  requiresGrad?: boolean;
}

/** Options of random factories. */
export interface RandomOptions extends TensorOptions {
  /** Source of randomness; the default generator (see `manualSeed`) when omitted. */
  generator?: Generator;
}

/** Nested arrays of numbers or booleans, as `tensor()` accepts. */
export type NestedData = number | boolean | readonly NestedData[];

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function filled(shape: readonly number[], value: number, dtype: DType): Tensor {
  checkShape('tensor', 'shape', shape);
  const data = allocate(dtype, shapeSize(shape));
  if (value !== 0) data.fill(castScalar(value, dtype));
  return Tensor.fromData(data, [...shape]);
}

/**
 * Creates a tensor (a copy of the data): from a number or boolean (0-d), nested arrays
 * (rectangular), a typed array with `{ shape }` (default 1-D), or another tensor. Numbers
 * become float32 unless `dtype` says otherwise; booleans become bool.
 */
export function tensor(
  data: NestedData | TypedArray | Tensor,
  opts: TensorOptions & { shape?: readonly number[] } = {},
): Tensor {
  if (data instanceof Tensor) {
    const flat = data.toTypedArray();
    return finish(fromFlat(flat, opts.shape ?? data.shape, opts.dtype ?? data.dtype), opts);
  }
  if (ArrayBuffer.isView(data)) {
    return finish(fromFlat(data, opts.shape ?? [data.length], opts.dtype ?? dtypeOfArray(data)), opts);
  }
  const shape: number[] = [];
  for (let level: NestedData = data; Array.isArray(level); level = (level as readonly NestedData[])[0]!) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat: (number | boolean)[] = [];
  flatten(data, shape, 0, flat);
  const dtype = opts.dtype ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32');
  const out = allocate(dtype, flat.length);
  flat.forEach((v, i) => (out[i] = castScalar(Number(v), dtype)));
  return finish(Tensor.fromData(out, opts.shape ?? shape), opts);
}

function flatten(data: NestedData, shape: readonly number[], dim: number, out: (number | boolean)[]): void {
  if (dim === shape.length) {
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new ShapeError(`tensor: nested arrays are ragged: expected a number at depth ${dim} of shape ${fmtShape(shape)}`);
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new ShapeError(`tensor: nested arrays are ragged: expected ${shape[dim]} entries at depth ${dim} of shape ${fmtShape(shape)}`);
  }
  for (const item of data as readonly NestedData[]) flatten(item, shape, dim + 1, out);
}

function fromFlat(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  checkShape('tensor', 'shape', shape);
  if (shapeSize(shape) !== data.length) {
    throw new ShapeError(`tensor: ${data.length} values do not fill shape ${fmtShape(shape)}`);
  }
  const out = allocate(dtype, data.length);
  if (dtype === 'bool') for (let i = 0; i < data.length; i++) out[i] = data[i] ? 1 : 0;
  else out.set(data);
  return Tensor.fromData(out, [...shape]);
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(filled(shape, 0, opts.dtype ?? 'float32'), opts);
}

/** A tensor of ones. */
export function ones(shape: readonly number[], opts: TensorOptions = {}): Tensor {
  return finish(filled(shape, 1, opts.dtype ?? 'float32'), opts);
}

/** A tensor filled with `value` (a boolean gives a bool tensor). */
export function full(shape: readonly number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  return finish(filled(shape, Number(value), dtype), opts);
}

/** Zeros with the shape (and, unless given, dtype) of `like`. */
export function zerosLike(like: Tensor, opts: TensorOptions = {}): Tensor {
  return zeros(like.shape, { ...opts, dtype: opts.dtype ?? like.dtype });
}

/** Ones with the shape and dtype of `like`. */
export function onesLike(like: Tensor, opts: TensorOptions = {}): Tensor {
  return ones(like.shape, { ...opts, dtype: opts.dtype ?? like.dtype });
}

/** `value` everywhere, with the shape and dtype of `like`. */
export function fullLike(like: Tensor, value: number | boolean, opts: TensorOptions = {}): Tensor {
  return full(like.shape, value, { ...opts, dtype: opts.dtype ?? like.dtype });
}

/**
 * Evenly spaced values in `[start, end)`: `arange(end)` or `arange(start, end, step)`.
 * int32 when every bound is an integer (PyTorch gives int64), float32 otherwise.
 */
export function arange(end: number, opts?: TensorOptions): Tensor;
export function arange(start: number, end: number, step?: number, opts?: TensorOptions): Tensor;
export function arange(a: number, b?: number | TensorOptions, c?: number, d?: TensorOptions): Tensor {
  const [start, end, step, opts] = typeof b === 'number' ? [a, b, c ?? 1, d ?? {}] : [0, a, 1, b ?? {}];
  if (step === 0 || !Number.isFinite(step)) throw new ArgumentError(`arange: step must be finite and non-zero, got ${step}`);
  const count = Math.max(0, Math.ceil((end - start) / step));
  const dtype = opts.dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocate(dtype, count);
  for (let i = 0; i < count; i++) data[i] = castScalar(start + i * step, dtype);
  return finish(Tensor.fromData(data, [count]), opts);
}

/** The `n × m` identity matrix (m defaults to n). */
export function eye(n: number, m: number = n, opts: TensorOptions = {}): Tensor {
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.storage.data[i * m + i] = 1;
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const t = filled(shape, 0, opts.dtype ?? 'float32');
  const g = opts.generator ?? defaultGenerator;
  const data = t.storage.data;
  for (let i = 0; i < data.length; i++) data[i] = g.random();
  return finish(t, opts);
}

/** Standard normal samples. */
export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  const t = filled(shape, 0, opts.dtype ?? 'float32');
  const g = opts.generator ?? defaultGenerator;
  const data = t.storage.data;
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return finish(t, opts);
}

/** Uniform integers in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ArgumentError(`randint: need integers low < high, got ${low} and ${high}`);
  }
  const t = filled(shape, 0, opts.dtype ?? 'int32');
  const g = opts.generator ?? defaultGenerator;
  const data = t.storage.data;
  for (let i = 0; i < data.length; i++) data[i] = g.integer(low, high);
  return finish(t, opts);
}

/** Uniform samples in [0, 1) shaped like `like`. */
export function randLike(like: Tensor, opts: RandomOptions = {}): Tensor {
  return rand(like.shape, { ...opts, dtype: opts.dtype ?? like.dtype });
}

/** Standard normal samples shaped like `like`. */
export function randnLike(like: Tensor, opts: RandomOptions = {}): Tensor {
  return randn(like.shape, { ...opts, dtype: opts.dtype ?? like.dtype });
}
