import { offsetAt } from '../kernels/gemm-types.js';

// Copying GEMM operands into and out of WebAssembly memory, for the pool's shared memory. The
// same placement rule as the single-threaded driver (kernels/gemm-wasm.ts), so both paths hand
// the kernel the same strides and compute the same values: an operand whose items span a mostly
// dense window is copied as that one block with its strides kept; a sparse one (a narrow slice
// of a wide matrix) is gathered item by item into dense row-major blocks.

/** Where an operand sits in linear memory. */
export interface Placement {
  /** True: one window copied as is, original strides. False: dense row-major items. */
  window: boolean;
  /** Lowest source index of the window (window mode). */
  lo: number;
  /** Elements the operand takes in linear memory. */
  size: number;
}

/** Places an operand of `batch` items, each rows x cols with strides rs, cs. */
export function place(
  offsets: ArrayLike<number> | undefined, batch: number, rows: number, cols: number, rs: number, cs: number,
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
  const window = span <= 2 * dense + 4096;
  return { window, lo, size: window ? span : dense };
}

/** Element index in linear memory of item `t` of an operand staged at `at`. */
export function itemAt(pl: Placement, at: number, offsets: ArrayLike<number> | undefined, t: number, itemSize: number): number {
  return pl.window ? at + offsetAt(offsets, t) - pl.lo : at + t * itemSize;
}

/** Copies operand items from `src` into `f32` at element index `at` as `pl` says. */
export function stage(
  f32: Float32Array, at: number, pl: Placement, src: Float32Array,
  offsets: ArrayLike<number> | undefined, batch: number, rows: number, cols: number, rs: number, cs: number,
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

/**
 * How the C items of a batch relate: 'shared' when all start at one offset (every item writes
 * the same block, in order), 'disjoint' when no two items' spans of `extent` elements overlap,
 * 'overlapping' otherwise (then only running items in order on one thread is right).
 */
export function outputLayout(
  offsets: ArrayLike<number> | undefined, batch: number, extent: number,
): 'shared' | 'disjoint' | 'overlapping' {
  if (batch === 1 || offsets === undefined) return 'shared';
  let same = true;
  for (let t = 1; t < batch && same; t++) same = offsets[t] === offsets[0];
  if (same) return 'shared';
  const sorted = Float64Array.from({ length: batch }, (_, t) => offsets[t]).sort();
  for (let t = 1; t < batch; t++) if (sorted[t - 1] + extent > sorted[t]) return 'overlapping';
  return 'disjoint';
}
