import { Tensor, broadcastStrides, coalesceDims, contiguous } from '@tsgrad/core';
import { gemm, type FloatArray } from '../kernels/gemm.js';

/** A matrix operand as GEMM reads it: storage, per-matrix strides, batch strides over the broadcast batch. */
interface Operand {
  data: FloatArray;
  offset: number;
  rowStride: number;
  colStride: number;
  /** Strides over the broadcast batch shape (0 where this operand is broadcast). */
  batchStrides: number[];
}

/**
 * Strides the GEMM kernel reads fast: unit stride in one of the two matrix dims (row-major,
 * or column-major as in a transposed view). A size-1 dim's stride is free, so it is set to
 * make the layout regular. Null when neither dim has unit stride.
 */
function regularStrides(rows: number, cols: number, rs: number, cs: number): [number, number] | null {
  if (cols === 1) return [rs, 1];
  if (rows === 1) return [1, cs];
  return rs === 1 || cs === 1 ? [rs, cs] : null;
}

/** Reads `t`'s last two dims without copying when their layout is regular, else from a compact copy. */
function operand(t: Tensor, batchShape: readonly number[]): Operand {
  const rows = t.shape[t.ndim - 2]!;
  const cols = t.shape[t.ndim - 1]!;
  let source = t;
  let strides = regularStrides(rows, cols, t.strides[t.ndim - 2]!, t.strides[t.ndim - 1]!);
  if (strides === null) {
    source = contiguous(t.detach());
    strides = regularStrides(rows, cols, cols, 1)!;
  }
  return {
    data: source.storage.data as FloatArray,
    offset: source.offset,
    rowStride: strides[0],
    colStride: strides[1],
    batchStrides: broadcastStrides(source.shape.slice(0, -2), source.strides.slice(0, -2), batchShape),
  };
}

/** Start offset of every batch item (row-major over `batchShape`). */
function batchOffsets(op: Operand, batchShape: readonly number[], count: number): number[] {
  const out = new Array<number>(count);
  for (let item = 0; item < count; item++) {
    let rest = item;
    let at = op.offset;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const i = rest % batchShape[d]!;
      rest = (rest - i) / batchShape[d]!;
      at += i * op.batchStrides[d]!;
    }
    out[item] = at;
  }
  return out;
}

/**
 * The row stride that walks all of `a`'s batch matrices as one tall matrix, when its batch
 * dims and rows are laid out evenly (a contiguous `(B, T, C)` activation), else null.
 */
function foldedRowStride(op: Operand, batchShape: readonly number[], rows: number): number | null {
  const { shape, strides } = coalesceDims([...batchShape, rows], [[...op.batchStrides, op.rowStride]]);
  if (shape.length !== 1) return null;
  return shape[0] === 1 ? op.rowStride : strides[0]![0]!;
}

/**
 * Computes `c (+)= a @ b` for `a` of shape `(..., m, k)` and `b` of shape `(..., k, n)` whose
 * batch dims broadcast to `batchShape`, into the row-major `c` of shape `(...batchShape, m, n)`.
 * Operands keep their own strides (transposed and broadcast views are read in place); when
 * `b` is shared by the whole batch and `a`'s batch folds into its rows, one GEMM runs with
 * m·batch rows. `a`, `b` and `c` must share one float dtype.
 */
export function matmulInto(c: FloatArray, a: Tensor, b: Tensor, batchShape: readonly number[], accumulate: boolean): void {
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[b.ndim - 1]!;
  const batch = batchShape.reduce((x, y) => x * y, 1);
  if (batch * m * n === 0) return;
  if (k === 0) {
    if (!accumulate) c.fill(0);
    return;
  }
  const A = operand(a, batchShape);
  const B = operand(b, batchShape);
  // The GEMM arguments are written out as whole literals: in V8 (Node 20) a literal that
  // spreads an object and then adds properties (`{ ...common, m }`) takes microseconds and
  // yields a dictionary-mode object, whose every property read is a hash lookup.
  if (B.batchStrides.every((s) => s === 0)) {
    const rs = foldedRowStride(A, batchShape, m);
    const rows = batch * m;
    const folded = rs === null ? null : regularStrides(rows, k, rs, A.colStride);
    if (folded !== null) {
      gemm({
        m: rows, n, k,
        a: A.data, aRowStride: folded[0], aColStride: folded[1],
        b: B.data, bRowStride: B.rowStride, bColStride: B.colStride,
        c, cRowStride: n, accumulate,
        aOffsets: [A.offset], bOffsets: [B.offset], cOffsets: [0],
      });
      return;
    }
  }
  const cOffsets = new Array<number>(batch);
  for (let t = 0; t < batch; t++) cOffsets[t] = t * m * n;
  gemm({
    m, n, k,
    a: A.data, aRowStride: A.rowStride, aColStride: A.colStride,
    b: B.data, bRowStride: B.rowStride, bColStride: B.colStride,
    c, cRowStride: n, accumulate,
    batch,
    aOffsets: batchOffsets(A, batchShape, batch),
    bOffsets: batchOffsets(B, batchShape, batch),
    cOffsets,
  });
}
