import { ArgumentError, DTypeError, Tensor } from '@tsgrad/core';

/** Throws a DTypeError unless `index` holds int32 indices. */
export function requireInt32Index(op: string, arg: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: ${arg} must be an int32 tensor, got ${index.dtype}`);
}

/** The elements of an int32 tensor as a row-major array (its own storage when contiguous). */
export function indexData(index: Tensor): { data: Int32Array; offset: number } {
  if (index.isContiguous()) return { data: index.storage.data as Int32Array, offset: index.offset };
  return { data: index.toTypedArray() as Int32Array, offset: 0 };
}

/**
 * Throws an ArgumentError naming the op, the offending index value and the size when any
 * index lies outside `[0, size)` (negative indices are refused, as in PyTorch's gather).
 */
export function checkIndexRange(op: string, index: Tensor, dim: number, size: number): void {
  const { data, offset } = indexData(index);
  for (let i = offset, end = offset + index.size; i < end; i++) {
    const v = data[i]!;
    if (v < 0 || v >= size) {
      throw new ArgumentError(`${op}: index ${v} is out of range for dim ${dim} of size ${size}`);
    }
  }
}
