import { offsetAt } from './gemm-types.js';

// Copying float32 GEMM operands into and out of WebAssembly linear memory, shared by the
// single-threaded driver (gemm-wasm.ts) and the thread pool (parallel/parallel-gemm.ts), so both
// hand the kernel the same strides and compute the same values: an operand whose items span a
// mostly dense window is copied as that one block with its strides kept; a sparse one (a narrow
// slice of a wide matrix) is gathered item by item into dense row-major blocks.

/** Where an operand sits in linear memory. */
export interface Placement {
  /**
   * True: the span from the lowest to the highest element any item touches is copied as one
   * block and the original strides are kept. False: the span is mostly gaps (a narrow slice of a
   * wide matrix), so each item is gathered into a dense row-major block of its own.
   */
  window: boolean;
  /** Lowest source index of the window (window mode). */
  lo: number;
  /** Elements reserved in linear memory. */
  size: number;
}

/** A fresh placement record for `place` to fill. */
export function placement(): Placement {
  return { window: true, lo: 0, size: 0 };
}

/** Fills and returns `pl` for an operand of `batch` items, each rows x cols with strides rs, cs. */
export function place(
  pl: Placement, offsets: ArrayLike<number> | undefined, batch: number, rows: number,
  cols: number, rs: number, cs: number,
): Placement {
  let lo = Infinity;
  let hi = -Infinity;
  for (let t = 0; t < batch; t++) {
    const o = offsetAt(offsets, t);
    if (o < lo) lo = o;
    if (o > hi) hi = o;
  }
  const span = hi - lo + (rows - 1) * rs + (cols - 1) * cs + 1;
  const dense = batch * rows * cols;
  pl.window = span <= 2 * dense + 4096;
  pl.lo = lo;
  pl.size = pl.window ? span : dense;
  return pl;
}

/** Element index in linear memory of item `t` of an operand staged at `at`. */
export function itemAt(pl: Placement, at: number, offsets: ArrayLike<number> | undefined, t: number, itemSize: number): number {
  return pl.window ? at + offsetAt(offsets, t) - pl.lo : at + t * itemSize;
}

/** Copies operand items from `src` into `f32` at element index `at` as `pl` says. */
export function stage(
  f32: Float32Array, at: number, pl: Placement, src: Float32Array,
  offsets: ArrayLike<number> | undefined, batch: number, rows: number, cols: number,
  rs: number, cs: number,
): void {
  if (pl.window) {
    f32.set(src.subarray(pl.lo, pl.lo + pl.size), at);
    return;
  }
  for (let t = 0; t < batch; t++) {
    const o = offsetAt(offsets, t);
    let d = at + t * rows * cols;
    for (let i = 0; i < rows; i++) {
      const s = o + i * rs;
      if (cs === 1) {
        f32.set(src.subarray(s, s + cols), d);
        d += cols;
      } else {
        for (let p = 0; p < cols; p++) f32[d++] = src[s + p * cs];
      }
    }
  }
}

/** Copies C (unit column stride) from `f32` at `at` back into `dst`: the inverse of `stage`. */
export function unstage(
  f32: Float32Array, at: number, pl: Placement, dst: Float32Array,
  offsets: ArrayLike<number> | undefined, batch: number, m: number, n: number, crs: number,
): void {
  if (pl.window) {
    dst.set(f32.subarray(at, at + pl.size), pl.lo);
    return;
  }
  for (let t = 0; t < batch; t++) {
    const o = offsetAt(offsets, t);
    const s = at + t * m * n;
    for (let i = 0; i < m; i++) dst.set(f32.subarray(s + i * n, s + i * n + n), o + i * crs);
  }
}
