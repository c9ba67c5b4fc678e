import type { TypedArray } from '../dtype.js';
import { contiguousStrides } from '../shape.js';

/**
 * Merges adjacent dimensions that every operand walks contiguously, so kernels loop over as
 * few and as long rows as possible. `strides[k]` are the strides of operand k over `shape`.
 * Size-1 dimensions are dropped. Returns the coalesced shape and strides (at least one dim).
 */
export function coalesceDims(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(size);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(offsets, n)` once per innermost row of a strided walk over `shape`, with
 * `offsets[k]` the element offset of operand k at the row start. The caller's row function
 * then loops over `n` elements using the innermost strides. `offsets` is reused: read it,
 * don't keep it.
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  starts: readonly number[],
  row: (offsets: Int32Array | number[], n: number) => void,
): void {
  const ndim = shape.length;
  const ops = strides.length;
  const offsets = starts.slice();
  if (ndim === 0) {
    row(offsets, 1);
    return;
  }
  for (const d of shape) if (d === 0) return;
  const n = shape[ndim - 1]!;
  const counter = new Array<number>(ndim).fill(0);
  for (;;) {
    row(offsets, n);
    let d = ndim - 2;
    for (; d >= 0; d--) {
      counter[d]!++;
      if (counter[d]! < shape[d]!) {
        for (let k = 0; k < ops; k++) offsets[k] = offsets[k]! + strides[k]![d]!;
        break;
      }
      counter[d] = 0;
      for (let k = 0; k < ops; k++) offsets[k] = offsets[k]! - strides[k]![d]! * (shape[d]! - 1);
    }
    if (d < 0) return;
  }
}

/** Copies a strided view into `dst` in row-major order. */
export function copyStrided(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
  dstOffset = 0,
): void {
  const { shape: s, strides } = coalesceDims(shape, [srcStrides, contiguousStrides(shape)]);
  const inner = strides[0]![s.length - 1]!;
  const dstInner = strides[1]![s.length - 1]!;
  forEachRow(s, strides, [srcOffset, dstOffset], (o, n) => {
    let si = o[0]!;
    let di = o[1]!;
    for (let i = 0; i < n; i++, si += inner, di += dstInner) dst[di] = src[si]!;
  });
}
