import { coalesceDims, forEachRow, type TypedArray } from '@tsgrad/core';

/** Rows at least this long are copied with `TypedArray.set` (a memcpy) instead of a loop. */
export const BLOCK_COPY_MIN = 16;

/**
 * Copies a strided view of `src` into a strided region of `dst`, both walked over `shape`
 * (dims coalesced, so contiguous blocks run as long rows). Values convert by typed-array
 * assignment, so a narrower source widens into the destination's dtype.
 */
export function copyInto(
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  shape: readonly number[],
): void {
  for (const d of shape) if (d === 0) return;
  const { shape: s, strides } = coalesceDims(shape, [dstStrides, srcStrides]);
  const last = s.length - 1;
  const ds = strides[0]![last]!;
  const ss = strides[1]![last]!;
  const block = ds === 1 && ss === 1 && s[last]! >= BLOCK_COPY_MIN;
  forEachRow(s, strides, [dstOffset, srcOffset], (o, n) => {
    let di = o[0]!;
    let si = o[1]!;
    if (block) dst.set(src.subarray(si, si + n), di);
    else for (let i = 0; i < n; i++, di += ds, si += ss) dst[di] = src[si]!;
  });
}
