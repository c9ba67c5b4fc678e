// AssemblyScript: the staging helpers of the attention module (attention-simd.ts exports
// them): zero-padded packing, key/value panels, strided row copies, the backward's row dots.

import { copyF32 } from './attention-simd-tiles';

/** Keys per block (multiple of 8): the width of the panels packPanels lays out. */
export const BC: i32 = 64;

/**
 * Copies n (rows, cols) matrices into zeroed (rowsP, colsP) slots; nothing to do when the
 * matrices need no padding and dst is src (the staging then lays them out packed already).
 */
export function pack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  if (src == dst && rows == rowsP && cols == colsP) return;
  memory.fill(dst, 0, <usize>(n * rowsP * colsP) * 4);
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + <usize>((m * rowsP + r) * colsP) * 4, src + <usize>((m * rows + r) * cols) * 4, cols);
    }
  }
}

/**
 * Copies n (rows, cols) matrices transposed into panels: each block of BC rows becomes a
 * zero-padded (colsP, BC) panel, so a key block's transposed tile is contiguous (a row
 * stride of the whole padded length would be a power of two and thrash the L1 sets).
 */
export function packPanels(src: usize, dst: usize, n: i32, rows: i32, cols: i32, colsP: i32): void {
  const nb = (rows + BC - 1) / BC;
  memory.fill(dst, 0, <usize>(n * nb * colsP * BC) * 4);
  const rs = <usize>cols << 2;
  const ds = <usize>BC << 2;
  for (let m = 0; m < n; m++) {
    let r = 0;
    // Four source rows at a time: 4×4 blocks transposed in registers, one 16-byte store per column.
    for (; r + 4 <= rows; r += 4) {
      const s = src + <usize>((m * rows + r) * cols) * 4;
      const d = dst + <usize>(((m * nb + r / BC) * colsP) * BC + r % BC) * 4;
      let c = 0;
      for (; c + 4 <= cols; c += 4) {
        const at = s + (<usize>c << 2);
        const x0 = v128.load(at), x1 = v128.load(at + rs), x2 = v128.load(at + 2 * rs), x3 = v128.load(at + 3 * rs);
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5), t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const o = d + <usize>c * ds;
        v128.store(o, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(o + ds, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
        v128.store(o + 2 * ds, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
        v128.store(o + 3 * ds, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
      }
      for (; c < cols; c++) {
        const at = s + (<usize>c << 2);
        let x = f32x4.splat(load<f32>(at));
        x = f32x4.replace_lane(x, 1, load<f32>(at + rs));
        x = f32x4.replace_lane(x, 2, load<f32>(at + 2 * rs));
        x = f32x4.replace_lane(x, 3, load<f32>(at + 3 * rs));
        v128.store(d + <usize>c * ds, x);
      }
    }
    for (; r < rows; r++) {
      const s = src + <usize>((m * rows + r) * cols) * 4;
      const d = dst + <usize>(((m * nb + r / BC) * colsP) * BC + r % BC) * 4;
      for (let c = 0; c < cols; c++) store<f32>(d + <usize>c * ds, load<f32>(s + (<usize>c << 2)));
    }
  }
}

/** dst[r] = Σₑ a[r, e] · b[r, e] over n rows of width w (products in f32, summed in f64 pairs). */
export function rowDots(a: usize, b: usize, dst: usize, n: i32, w: i32): void {
  for (let r = 0; r < n; r++) {
    const o = <usize>(r * w) * 4;
    let sv = f64x2.splat(0);
    let e = 0;
    for (; e + 4 <= w; e += 4) {
      const at = o + (<usize>e << 2);
      const p = f32x4.mul(v128.load(a + at), v128.load(b + at));
      sv = f64x2.add(sv, f64x2.add(f64x2.promote_low_f32x4(p), f64x2.promote_low_f32x4(i32x4.shuffle(p, p, 2, 3, 0, 1))));
    }
    let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
    for (; e < w; e++) s += <f64>load<f32>(a + o + (<usize>e << 2)) * <f64>load<f32>(b + o + (<usize>e << 2));
    store<f32>(dst + (<usize>r << 2), <f32>s);
  }
}

/**
 * Copies n0·n1·n2 rows of w floats: row (a, b, c) from src + (a·s0 + b·s1 + c·s2)·4 to
 * dst + (a·d0 + b·d1 + c·d2)·4 (strides in elements, any sign): gathers strided operands into
 * dense ones and scatters dense results into strided layouts.
 */
export function copyRows(src: usize, s0: i32, s1: i32, s2: i32, dst: usize, d0: i32, d1: i32, d2: i32, n0: i32, n1: i32, n2: i32, w: i32): void {
  for (let a = 0; a < n0; a++) {
    for (let b = 0; b < n1; b++) {
      let sp = src + <usize>((a * s0 + b * s1) << 2);
      let dp = dst + <usize>((a * d0 + b * d1) << 2);
      if ((w & 3) == 0) {
        // Whole vectors, inline: a call per row costs about as much as a short row's copy.
        const bytes = <usize>w << 2;
        for (let c = 0; c < n2; c++) {
          for (let o: usize = 0; o < bytes; o += 16) v128.store(dp + o, v128.load(sp + o));
          sp += <usize>(s2 << 2);
          dp += <usize>(d2 << 2);
        }
        continue;
      }
      for (let c = 0; c < n2; c++) {
        copyF32(dp, sp, w);
        sp += <usize>(s2 << 2);
        dp += <usize>(d2 << 2);
      }
    }
  }
}

/** Keys per block, which sets the panel layout of packPanels. */
export function blockK(): i32 {
  return BC;
}

/** Copies the (rows, cols) corners of n packed (rowsP, colsP) matrices out densely (in place: nothing to do). */
export function unpack(src: usize, dst: usize, n: i32, rows: i32, cols: i32, rowsP: i32, colsP: i32): void {
  if (src == dst && rows == rowsP && cols == colsP) return;
  for (let m = 0; m < n; m++) {
    for (let r = 0; r < rows; r++) {
      copyF32(dst + <usize>((m * rows + r) * cols) * 4, src + <usize>((m * rowsP + r) * colsP) * 4, cols);
    }
  }
}
