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
  const ops = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let k = 0; k < ops; k++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let mergeable = last >= 0;
    for (let k = 0; k < ops && mergeable; k++) mergeable = outStrides[k]![last] === strides[k]![d]! * size;
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      for (let k = 0; k < ops; k++) outStrides[k]![last] = strides[k]![d]!;
    } else {
      outShape.push(size);
      for (let k = 0; k < ops; k++) outStrides[k]!.push(strides[k]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let k = 0; k < ops; k++) outStrides[k]!.push(0);
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

/**
 * A faster float32 gather for {@link copyStrided}: `dst[dstOffset + row-major i] =
 * src[srcOffset + Σ i_d·strides_d]` over the coalesced `shape` (any rank). Returns false to
 * decline, and then `copyStrided` runs its loops. @tsgrad/ops installs its WebAssembly one.
 */
export type Float32CopyKernel = (
  src: Float32Array, srcOffset: number, strides: readonly number[], shape: readonly number[],
  dst: Float32Array, dstOffset: number,
) => boolean;

let float32Copy: Float32CopyKernel | null = null;

/** Installs (or with null removes) the float32 kernel `copyStrided` offers its copies to. */
export function setFloat32CopyKernel(kernel: Float32CopyKernel | null): void {
  float32Copy = kernel;
}

/**
 * Copies a strided view into `dst` in row-major order: the last two coalesced dims as plain
 * nested loops (contiguous runs as one `set`), one call per plane rather than per row, so
 * short rows (attention heads of 16) cost no callback each. {@link copyStridedReference} is
 * the simple version it is tested against.
 */
export function copyStrided(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
  dstOffset = 0,
): void {
  const { shape: s, strides } = coalesceDims(shape, [srcStrides, contiguousStrides(shape)]);
  for (const d of s) if (d === 0) return;
  const ss = strides[0]!;
  const ds = strides[1]!;
  const nd = s.length;
  // Fast float32 branch (an installed kernel, e.g. WebAssembly SIMD); the loops below otherwise.
  if (
    float32Copy !== null && nd > 1 && src instanceof Float32Array && dst instanceof Float32Array &&
    float32Copy(src, srcOffset, ss, s, dst, dstOffset)
  ) {
    return;
  }
  if (nd === 1) {
    copyRow(src, srcOffset, ss[0]!, dst, dstOffset, ds[0]!, s[0]!);
    return;
  }
  // The last two dims are one plane of nested loops; outer dims are counted like an odometer.
  const rows = s[nd - 2]!;
  const n = s[nd - 1]!;
  const sr = ss[nd - 2]!;
  const sc = ss[nd - 1]!;
  const dr = ds[nd - 2]!;
  const dc = ds[nd - 1]!;
  const counter = new Array<number>(nd - 2).fill(0);
  let si = srcOffset;
  let di = dstOffset;
  for (;;) {
    copyPlane(src, si, sr, sc, dst, di, dr, dc, rows, n);
    let d = nd - 3;
    for (; d >= 0; d--) {
      si += ss[d]!;
      di += ds[d]!;
      if (++counter[d]! < s[d]!) break;
      si -= ss[d]! * s[d]!;
      di -= ds[d]! * s[d]!;
      counter[d] = 0;
    }
    if (d < 0) return;
  }
}

/** Below this row length a loop beats `subarray` + `set` (which allocate a view). */
const SET_MIN = 32;

function copyRow(src: TypedArray, si: number, ss: number, dst: TypedArray, di: number, ds: number, n: number): void {
  if (ss === 1 && ds === 1 && n >= SET_MIN) {
    dst.set(src.subarray(si, si + n), di);
    return;
  }
  for (let i = 0; i < n; i++, si += ss, di += ds) dst[di] = src[si]!;
}

function copyPlane(
  src: TypedArray, si: number, ss0: number, ss1: number,
  dst: TypedArray, di: number, ds0: number, ds1: number, rows: number, n: number,
): void {
  if (ss1 === 1 && ds1 === 1 && n >= SET_MIN) {
    for (let r = 0; r < rows; r++, si += ss0, di += ds0) dst.set(src.subarray(si, si + n), di);
    return;
  }
  if (ss1 === 1 && ds1 === 1) {
    // Short contiguous runs (attention heads): unit strides the compiler can see.
    for (let r = 0; r < rows; r++, si += ss0, di += ds0) {
      for (let i = 0; i < n; i++) dst[di + i] = src[si + i]!;
    }
    return;
  }
  for (let r = 0; r < rows; r++, si += ss0, di += ds0) {
    for (let i = 0, a = si, b = di; i < n; i++, a += ss1, b += ds1) dst[b] = src[a]!;
  }
}

/** The simple strided copy (any rank, one callback per row): the reference for {@link copyStrided}. */
export function copyStridedReference(
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
