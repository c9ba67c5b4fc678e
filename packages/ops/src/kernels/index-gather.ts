import type { TypedArray } from '@tsgrad/core';

/*
 * gather / scatter-add over PyTorch's addressing: walking the index's shape row-major, the
 * element at position (i0, ..., i_{n-1}) pairs with the strided element of the other operand
 * at (i0, ..., index[pos], ..., i_{n-1}), index replacing the coordinate of `dim`.
 */

/** Advances the multi-index `counter` over all dims but the last; returns the base-offset change. */
function step(counter: number[], shape: readonly number[], strides: readonly number[], dim: number): number {
  let delta = 0;
  for (let d = shape.length - 2; d >= 0; d--) {
    counter[d]!++;
    if (d !== dim) delta += strides[d]!;
    if (counter[d]! < shape[d]!) return delta;
    if (d !== dim) delta -= strides[d]! * shape[d]!;
    counter[d] = 0;
  }
  return delta;
}

/**
 * `out[pos] = x[xOffset + Σ_{d≠dim} i_d·xStrides[d] + index[indexOffset + pos]·xStrides[dim]]`
 * for every position of `shape` (the index's shape); `out` and `index` are row-major.
 * Indices must already be range-checked.
 */
export function gatherKernel(
  out: TypedArray,
  x: TypedArray,
  xOffset: number,
  xStrides: readonly number[],
  index: Int32Array,
  indexOffset: number,
  shape: readonly number[],
  dim: number,
): void {
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  if (shape.length === 0) {
    out[0] = x[xOffset]!;
    return;
  }
  const last = shape.length - 1;
  const n = shape[last]!;
  const dimStride = xStrides[dim]!;
  const lastStride = xStrides[last]!;
  const counter = new Array<number>(last).fill(0);
  let base = xOffset;
  for (let o = 0; o < total; o += n) {
    const io = indexOffset + o;
    if (dim === last) {
      for (let j = 0; j < n; j++) out[o + j] = x[base + index[io + j]! * dimStride]!;
    } else {
      for (let j = 0; j < n; j++) out[o + j] = x[base + j * lastStride + index[io + j]! * dimStride]!;
    }
    base += step(counter, shape, xStrides, dim);
  }
}

/**
 * The adjoint of `gatherKernel`: `out[Σ_{d≠dim} i_d·outStrides[d] + index[pos]·outStrides[dim]]
 * += src[srcOffset + pos]`, accumulating where indices repeat. `src` and `index` are row-major
 * over `shape`; `out` is any layout described by `outStrides` (offset 0).
 */
export function scatterAddKernel(
  out: TypedArray,
  outStrides: readonly number[],
  src: TypedArray,
  srcOffset: number,
  index: Int32Array,
  indexOffset: number,
  shape: readonly number[],
  dim: number,
): void {
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  if (shape.length === 0) {
    out[0] = out[0]! + src[srcOffset]!;
    return;
  }
  const last = shape.length - 1;
  const n = shape[last]!;
  const dimStride = outStrides[dim]!;
  const lastStride = outStrides[last]!;
  const counter = new Array<number>(last).fill(0);
  let base = 0;
  for (let o = 0; o < total; o += n) {
    const io = indexOffset + o;
    const so = srcOffset + o;
    if (dim === last) {
      for (let j = 0; j < n; j++) {
        const t = base + index[io + j]! * dimStride;
        out[t] = out[t]! + src[so + j]!;
      }
    } else {
      for (let j = 0; j < n; j++) {
        const t = base + j * lastStride + index[io + j]! * dimStride;
        out[t] = out[t]! + src[so + j]!;
      }
    }
    base += step(counter, shape, outStrides, dim);
  }
}

/** Reference for the two kernels above: one element at a time through full multi-indices. */
export function gatherReference(
  x: TypedArray,
  xOffset: number,
  xStrides: readonly number[],
  index: Int32Array,
  shape: readonly number[],
  dim: number,
): number[] {
  const total = shape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let pos = 0; pos < total; pos++) {
    let rest = pos;
    let at = xOffset;
    for (let d = shape.length - 1; d >= 0; d--) {
      const i = rest % shape[d]!;
      rest = (rest - i) / shape[d]!;
      at += (d === dim ? index[pos]! : i) * xStrides[d]!;
    }
    out.push(x[at]!);
  }
  return out;
}
