import type { TypedArray } from '@tsgrad/core';
import { BLOCK_COPY_MIN } from './strided-copy.js';

/*
 * indexSelect over a row-major tensor viewed as (outer, size, inner): the selected slices along
 * the middle dim are contiguous blocks of `inner` elements. With dim 0 (an embedding lookup)
 * outer is 1 and each block is a whole row.
 */

/** `out[o, i, :] = x[xOffset + (o, index[i], :)]` for o < outer, i < count. */
export function indexSelectRows(
  out: TypedArray,
  x: TypedArray,
  xOffset: number,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  indexOffset: number,
  count: number,
): void {
  let dst = 0;
  for (let o = 0; o < outer; o++) {
    const plane = xOffset + o * size * inner;
    for (let i = 0; i < count; i++) {
      const src = plane + index[indexOffset + i]! * inner;
      if (inner >= BLOCK_COPY_MIN) out.set(x.subarray(src, src + inner), dst);
      else for (let j = 0; j < inner; j++) out[dst + j] = x[src + j]!;
      dst += inner;
    }
  }
}

/** The adjoint: `out[(o, index[i], :)] += src[srcOffset + (o, i, :)]`; repeated indices accumulate. */
export function indexAddRows(
  out: TypedArray,
  src: TypedArray,
  srcOffset: number,
  outer: number,
  size: number,
  inner: number,
  index: Int32Array,
  indexOffset: number,
  count: number,
): void {
  let from = srcOffset;
  for (let o = 0; o < outer; o++) {
    const plane = o * size * inner;
    for (let i = 0; i < count; i++) {
      const dst = plane + index[indexOffset + i]! * inner;
      for (let j = 0; j < inner; j++) out[dst + j] = out[dst + j]! + src[from + j]!;
      from += inner;
    }
  }
}
