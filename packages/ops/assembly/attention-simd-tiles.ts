// AssemblyScript: the SIMD building blocks of attention-simd.ts (tiles, row helpers; e^x and
// madd() come from simd-math.ts). Every multiply-add goes through madd(): one FMA when built
// with relaxed SIMD, a multiply then an add otherwise (scripts/build-attention-wasm.mjs builds both).

import { madd } from './simd-math';

@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// Row-sized fills and copies run inline: memory.fill/copy leave the compiled code for a
// runtime call, which costs more than the copy at these sizes.

/** Zeroes n floats at p; n % 4 == 0. */
@inline export function zeroF32(p: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) v128.store(p + (<usize>i << 2), f32x4.splat(0));
}

/** Copies n floats from src to dst. */
export function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

// ---- tiles; strides in elements, rows % 4 == 0 and column counts % 8 == 0 ----
// `diag` trims work on the causal diagonal: only entries (row r, key column c) with
// c <= r + diag matter (diag = i0 - j0; NO_DIAG when every entry matters). Skipped score
// entries are left stale and must be masked; skipped products read only zeros.

export const NO_DIAG: i32 = 1 << 28;

/** t[r, c] = alpha · Σₑ a[r, e] · bt[e, c]. */
export function tileDotT(a: usize, lda: i32, bt: usize, ldb: i32, n: i32, rows: i32, cols: i32, alpha: f32, t: usize, ldt: i32, diag: i32): void {
  const al = f32x4.splat(alpha);
  const sa = <usize>lda << 2;
  const sb = <usize>ldb << 2;
  const st = <usize>ldt << 2;
  for (let r = 0; r < rows; r += 4) {
    const a0 = a + <usize>r * sa;
    const colsR = min(cols, (r + 4 + diag + 7) & ~7);
    for (let c = 0; c < colsR; c += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let bp = bt + (<usize>c << 2);
      let ap = a0;
      for (let e = 0; e < n; e++) {
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let x = v128.load32_splat(ap);
        c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
        x = v128.load32_splat(ap + sa);
        c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
        x = v128.load32_splat(ap + 2 * sa);
        c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
        x = v128.load32_splat(ap + 3 * sa);
        c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
        bp += sb;
        ap += 4;
      }
      const tp = t + <usize>r * st + (<usize>c << 2);
      v128.store(tp, f32x4.mul(c00, al)); v128.store(tp, f32x4.mul(c01, al), 16);
      v128.store(tp + st, f32x4.mul(c10, al)); v128.store(tp + st, f32x4.mul(c11, al), 16);
      v128.store(tp + 2 * st, f32x4.mul(c20, al)); v128.store(tp + 2 * st, f32x4.mul(c21, al), 16);
      v128.store(tp + 3 * st, f32x4.mul(c30, al)); v128.store(tp + 3 * st, f32x4.mul(c31, al), 16);
    }
  }
}

/** c[r, e] += alpha · Σₖ p[r, k] · x[k, e] for r < rows, e < n, k < inner. */
export function tileAccAB(p: usize, ldp: i32, x: usize, ldx: i32, rows: i32, n: i32, inner: i32, alpha: f32, c: usize, ldc: i32, diag: i32): void {
  const al = f32x4.splat(alpha);
  const sp = <usize>ldp << 2;
  const sx = <usize>ldx << 2;
  const sc = <usize>ldc << 2;
  for (let r = 0; r < rows; r += 4) {
    const p0 = p + <usize>r * sp;
    for (let e = 0; e < n; e += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let xp = x + (<usize>e << 2);
      let pp = p0;
      for (let k = 0, kEnd = min(inner, r + 4 + diag); k < kEnd; k++) {
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        let w = v128.load32_splat(pp);
        c00 = madd(w, x0, c00); c01 = madd(w, x1, c01);
        w = v128.load32_splat(pp + sp);
        c10 = madd(w, x0, c10); c11 = madd(w, x1, c11);
        w = v128.load32_splat(pp + 2 * sp);
        c20 = madd(w, x0, c20); c21 = madd(w, x1, c21);
        w = v128.load32_splat(pp + 3 * sp);
        c30 = madd(w, x0, c30); c31 = madd(w, x1, c31);
        xp += sx;
        pp += 4;
      }
      const cp = c + <usize>r * sc + (<usize>e << 2);
      accStore(cp, c00, c01, al);
      accStore(cp + sc, c10, c11, al);
      accStore(cp + 2 * sc, c20, c21, al);
      accStore(cp + 3 * sc, c30, c31, al);
    }
  }
}

/** c[k, e] += alpha · Σᵣ p[r, k] · x[r, e] for k < cols, e < n, r < inner (C += alpha·Pᵀ·X). */
export function tileAccAtB(p: usize, ldp: i32, x: usize, ldx: i32, cols: i32, n: i32, inner: i32, alpha: f32, c: usize, ldc: i32, diag: i32): void {
  const al = f32x4.splat(alpha);
  const sp = <usize>ldp << 2;
  const sx = <usize>ldx << 2;
  const sc = <usize>ldc << 2;
  for (let k = 0; k < cols; k += 4) {
    for (let e = 0; e < n; e += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      const r0 = max(0, k - diag);
      let xp = x + <usize>r0 * sx + (<usize>e << 2);
      let pp = p + <usize>r0 * sp + (<usize>k << 2);
      for (let r = r0; r < inner; r++) {
        const x0 = v128.load(xp), x1 = v128.load(xp, 16);
        let w = v128.load32_splat(pp);
        c00 = madd(w, x0, c00); c01 = madd(w, x1, c01);
        w = v128.load32_splat(pp, 4);
        c10 = madd(w, x0, c10); c11 = madd(w, x1, c11);
        w = v128.load32_splat(pp, 8);
        c20 = madd(w, x0, c20); c21 = madd(w, x1, c21);
        w = v128.load32_splat(pp, 12);
        c30 = madd(w, x0, c30); c31 = madd(w, x1, c31);
        xp += sx;
        pp += sp;
      }
      const cp = c + <usize>k * sc + (<usize>e << 2);
      accStore(cp, c00, c01, al);
      accStore(cp + sc, c10, c11, al);
      accStore(cp + 2 * sc, c20, c21, al);
      accStore(cp + 3 * sc, c30, c31, al);
    }
  }
}

@inline function accStore(cp: usize, lo: v128, hi: v128, al: v128): void {
  v128.store(cp, f32x4.add(v128.load(cp), f32x4.mul(lo, al)));
  v128.store(cp, f32x4.add(v128.load(cp, 16), f32x4.mul(hi, al)), 16);
}
