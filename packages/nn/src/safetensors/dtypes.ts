/** Element types a safetensors file may hold that tsgrad reads. `I64` is read-only. */
export type SafetensorsDType = 'F32' | 'F64' | 'I32' | 'BOOL' | 'I64';

/** tsgrad dtype names, as stored in a {@link RawTensor}. */
export type RawTensorDType = 'float32' | 'float64' | 'int32' | 'bool';

/**
 * A dense, contiguous, row-major tensor without autograd: what a checkpoint stores.
 * `bool` data is a Uint8Array of 0/1; `data.length` equals the product of `shape`
 * (1 for a scalar, shape `[]`).
 */
export interface RawTensor {
  /** Element type as safetensors names it. */
  dtype: RawTensorDType;
  /** Dimensions, outermost first. */
  shape: number[];
  /** Row-major elements, as many as the product of `shape`. */
  data: Float32Array | Float64Array | Int32Array | Uint8Array;
}

/** Bytes per element of each file dtype. */
export const ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  F32: 4,
  F64: 8,
  I32: 4,
  BOOL: 1,
  I64: 8,
};

/** The file dtype each tsgrad dtype is written as. */
export const FILE_DTYPE: Readonly<Record<RawTensorDType, SafetensorsDType>> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};

/** The typed array each tsgrad dtype must carry, by name, for error messages. */
export const DATA_CLASS_NAME: Readonly<Record<RawTensorDType, string>> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  int32: 'Int32Array',
  bool: 'Uint8Array',
};

/** Whether `data` is the typed array `dtype` requires, so a mislabelled tensor is refused. */
export function dataMatchesDType(data: unknown, dtype: RawTensorDType): boolean {
  switch (dtype) {
    case 'float32':
      return data instanceof Float32Array;
    case 'float64':
      return data instanceof Float64Array;
    case 'int32':
      return data instanceof Int32Array;
    case 'bool':
      return data instanceof Uint8Array;
  }
}

/** Whether `value` names a dtype this reader understands (own keys only: not `toString`). */
export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ITEM_SIZE, value);
}

/** Whether `value` is one of tsgrad's dtype names. */
export function isRawTensorDType(value: unknown): value is RawTensorDType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FILE_DTYPE, value);
}

/** True on little-endian hosts, where typed-array bytes already match the file's byte order. */
export const HOST_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Keys that would reach `Object.prototype` if copied into an ordinary object. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Formats a shape or offset pair the way messages print it: `[2,3]`. */
export function fmt(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}
