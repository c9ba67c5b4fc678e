import { allocateUninitialized, type DType, type TypedArray } from '../dtype.js';
import { broadcastShapes, broadcastStrides, contiguousStrides } from '../shape.js';
import { Tensor } from '../tensor.js';
import { coalesceDims, forEachRow } from './strided.js';

/**
 * Inner loop of a binary elementwise kernel over one row: `n` elements, each operand with
 * its own start offset and stride. One function per op keeps the loop monomorphic.
 */
export type BinaryRow = (
  out: TypedArray, oi: number, os: number,
  a: TypedArray, ai: number, as: number,
  b: TypedArray, bi: number, bs: number,
  n: number,
) => void;

/** Inner loop of a unary elementwise kernel over one row. */
export type UnaryRow = (out: TypedArray, oi: number, os: number, x: TypedArray, xi: number, xs: number, n: number) => void;

/** The float32 arithmetic an installed {@link Float32RowsKernel} may take over. */
export type Float32RowsOp = 'add' | 'sub' | 'mul';

/**
 * A faster float32 kernel for `rows` rows of `n` unit-stride elements: `out[r·n + j] =
 * a[ai + r·as + j] ∘ b[bi + r·bs + j]`, with `as`, `bs` either `n` (a full operand) or 0 (a row
 * broadcast over the rows, e.g. a bias). Returns false to decline (too small, unavailable),
 * and then `mapBinary` runs its row kernel. @tsgrad/ops installs its WebAssembly SIMD one.
 */
export type Float32RowsKernel = (
  op: Float32RowsOp, out: Float32Array, a: Float32Array, ai: number, as: number,
  b: Float32Array, bi: number, bs: number, rows: number, n: number,
) => boolean;

let float32Rows: Float32RowsKernel | null = null;

/** Installs (or with null removes) the float32 kernel `mapBinary` offers its `fast` ops to. */
export function setFloat32RowsKernel(kernel: Float32RowsKernel | null): void {
  float32Rows = kernel;
}

/**
 * Applies a binary row kernel over `a` and `b` broadcast together (any strides), writing a
 * new contiguous tensor of `dtype`. Dimensions are coalesced so contiguous inputs run as one row.
 * `fast` names what `row` computes, so an installed {@link Float32RowsKernel} may do it instead.
 */
export function mapBinary(op: string, a: Tensor, b: Tensor, dtype: DType, row: BinaryRow, fast?: Float32RowsOp): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = allocateUninitialized(dtype, shape.reduce((x, y) => x * y, 1));
  if (out.length === 0) return Tensor.fromData(out, shape);
  const { shape: s, strides } = coalesceDims(shape, [
    contiguousStrides(shape),
    broadcastStrides(a.shape, a.strides, shape),
    broadcastStrides(b.shape, b.strides, shape),
  ]);
  const last = s.length - 1;
  const os = strides[0]![last]!;
  const as = strides[1]![last]!;
  const bs = strides[2]![last]!;
  const ad = a.storage.data;
  const bd = b.storage.data;
  if (s.length <= 2) {
    // One or two coalesced dims (contiguous operands, a broadcast row or column): rows are
    // walked here, without the per-row callback of forEachRow.
    const rows = s.length === 1 ? 1 : s[0]!;
    const n = s[last]!;
    const o0 = s.length === 1 ? 0 : strides[0]![0]!;
    const a0 = s.length === 1 ? 0 : strides[1]![0]!;
    const b0 = s.length === 1 ? 0 : strides[2]![0]!;
    // Fast float32 branch: unit inner strides, each operand full (row stride n) or one row (0).
    if (
      fast !== undefined && float32Rows !== null && os === 1 && as === 1 && bs === 1 &&
      (a0 === n || a0 === 0 || rows === 1) && (b0 === n || b0 === 0 || rows === 1) &&
      out instanceof Float32Array && ad instanceof Float32Array && bd instanceof Float32Array &&
      float32Rows(fast, out, ad, a.offset, rows === 1 ? n : a0, bd, b.offset, rows === 1 ? n : b0, rows, n)
    ) {
      return Tensor.fromData(out, shape);
    }
    for (let r = 0, oi = 0, ai = a.offset, bi = b.offset; r < rows; r++, oi += o0, ai += a0, bi += b0) {
      row(out, oi, os, ad, ai, as, bd, bi, bs, n);
    }
    return Tensor.fromData(out, shape);
  }
  forEachRow(s, strides, [0, a.offset, b.offset], (o, n) => row(out, o[0]!, os, ad, o[1]!, as, bd, o[2]!, bs, n));
  return Tensor.fromData(out, shape);
}

/** Applies a unary row kernel over `x` (any strides), writing a new contiguous tensor of `dtype`. */
export function mapUnary(x: Tensor, dtype: DType, row: UnaryRow): Tensor {
  const out = allocateUninitialized(dtype, x.size);
  if (out.length === 0) return Tensor.fromData(out, x.shape);
  const { shape: s, strides } = coalesceDims(x.shape, [contiguousStrides(x.shape), x.strides]);
  const last = s.length - 1;
  const os = strides[0]![last]!;
  const xs = strides[1]![last]!;
  const xd = x.storage.data;
  if (s.length <= 2) {
    const rows = s.length === 1 ? 1 : s[0]!;
    const n = s[last]!;
    const o0 = s.length === 1 ? 0 : strides[0]![0]!;
    const x0 = s.length === 1 ? 0 : strides[1]![0]!;
    for (let r = 0, oi = 0, xi = x.offset; r < rows; r++, oi += o0, xi += x0) row(out, oi, os, xd, xi, xs, n);
    return Tensor.fromData(out, x.shape);
  }
  forEachRow(s, strides, [0, x.offset], (o, n) => row(out, o[0]!, os, xd, o[1]!, xs, n));
  return Tensor.fromData(out, x.shape);
}

/**
 * Applies a binary row kernel in place: `target[i] = f(target[i], source[i])` with `source`
 * broadcast to `target`'s shape. Used by in-place ops.
 */
export function updateInPlace(target: Tensor, source: Tensor, row: BinaryRow): void {
  if (target.size === 0) return;
  const { shape: s, strides } = coalesceDims(target.shape, [
    target.strides,
    broadcastStrides(source.shape, source.strides, target.shape),
  ]);
  const last = s.length - 1;
  const ts = strides[0]![last]!;
  const ss = strides[1]![last]!;
  const td = target.storage.data;
  const sd = source.storage.data;
  if (s.length <= 2) {
    const rows = s.length === 1 ? 1 : s[0]!;
    const n = s[last]!;
    const t0 = s.length === 1 ? 0 : strides[0]![0]!;
    const s0 = s.length === 1 ? 0 : strides[1]![0]!;
    for (let r = 0, ti = target.offset, si = source.offset; r < rows; r++, ti += t0, si += s0) row(td, ti, ts, td, ti, ts, sd, si, ss, n);
    return;
  }
  forEachRow(s, strides, [target.offset, source.offset], (o, n) => row(td, o[0]!, ts, td, o[0]!, ts, sd, o[1]!, ss, n));
}

/** Row kernel that copies the second operand: `out[i] = b[i]` (used by copies and scatters). */
export const assignRow: BinaryRow = (o, oi, os, _a, _ai, _as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, bi += bs) o[oi] = b[bi]!;
};
