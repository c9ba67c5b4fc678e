import { DTypeError } from './errors.js';
import { primeLargeAllocations, unsafeAllocator } from './node-allocator.js';

/** The element types a tensor can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array behind each dtype. */
export interface TypedArrayFor {
  /** Single precision; the default dtype for parameters (torch.float32). */
  float32: Float32Array;
  /** Double precision, used by gradcheck (torch.float64). */
  float64: Float64Array;
  /** Indices and integer results such as argmax (torch.int32). */
  int32: Int32Array;
  /** One byte per element, 0 = false and 1 = true (torch.bool). */
  bool: Uint8Array;
}

/** Any storage array a tensor may use. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Floating-point dtypes: the ones gradients flow through. */
export type FloatDType = 'float32' | 'float64';

const constructors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const;

/**
 * Arrays of at least this many bytes are large: allocateUninitialized skips their zero fill, and
 * the first one primes Node's malloc (primeLargeAllocations).
 */
const LARGE_BYTES = 65536;

/** Allocates a zero-filled storage array of `size` elements for `dtype`. */
export function allocate<D extends DType>(dtype: D, size: number): TypedArrayFor[D] {
  const Ctor = constructors[dtype];
  if (size * Ctor.BYTES_PER_ELEMENT >= LARGE_BYTES) primeLargeAllocations();
  return new Ctor(size) as TypedArrayFor[D];
}

/**
 * Allocates a storage array of `size` elements for `dtype` that the caller will overwrite in
 * full, like `torch.empty`: on Node, large arrays come uninitialised from the allocator
 * (`Buffer.allocUnsafeSlow`, not pooled, so the array owns its whole buffer), which skips the
 * zero fill (about a quarter of the time to allocate and fill a fresh output here); elsewhere,
 * and for small arrays, it is zero-filled as by {@link allocate}. The contents are arbitrary
 * until written: use it only where every element is written before being read.
 */
export function allocateUninitialized<D extends DType>(dtype: D, size: number): TypedArrayFor[D] {
  const Ctor = constructors[dtype];
  const bytes = size * Ctor.BYTES_PER_ELEMENT;
  const unsafe = unsafeAllocator();
  // Below LARGE_BYTES the zero fill costs little.
  if (bytes < LARGE_BYTES || unsafe === undefined) return allocate(dtype, size);
  primeLargeAllocations();
  const raw = unsafe(bytes);
  return new Ctor(raw.buffer, raw.byteOffset, size) as TypedArrayFor[D];
}

/** The dtype whose storage array has the given constructor. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

/** True for float32 and float64. */
export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * The result dtype of combining two tensors, PyTorch's rule for tensors of the same kind of
 * operand: bool < int32 < float32 < float64, the wider one wins.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The result dtype of combining a tensor with a JavaScript number, PyTorch's rule for Python
 * scalars: the tensor's dtype wins unless the number is of a higher kind (a fractional number
 * makes an int32 or bool tensor float32; an integer makes a bool tensor int32).
 */
export function promoteWithScalar(dtype: DType, value: number): DType {
  if (isFloat(dtype)) return dtype;
  if (!Number.isInteger(value)) return 'float32';
  return 'int32';
}

/** Throws unless `dtype` is a floating-point dtype. */
export function assertFloat(op: string, arg: string, dtype: DType): asserts dtype is FloatDType {
  if (!isFloat(dtype)) {
    throw new DTypeError(`${op}: ${arg} must be float32 or float64, got ${dtype}`);
  }
}

/** Casts a JavaScript number to what storing it in `dtype` gives (truncation, 0/1 for bool). */
export function castScalar(value: number, dtype: DType): number {
  if (dtype === 'int32') return value | 0;
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'float32') return Math.fround(value);
  return value;
}
