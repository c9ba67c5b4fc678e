/**
 * The three small matrix products a fused attention block is made of, over row-major tiles
 * addressed by (array, offset, leading dimension). Each keeps a 4×4 block of sums in locals so
 * every loaded element feeds four multiply-adds; ragged edges fall back to 4×1 / 1×1 loops.
 */
import type { AttentionArray } from './attention-args.js';

/**
 * Row-by-row inner products: C[r, c] = alpha · Σₑ A[r, e] · B[c, e] for r < rows, c < cols,
 * e < n (C = alpha · A·Bᵀ). Used for scores q·kᵀ and for dO·vᵀ.
 */
export function tileDot(
  a: AttentionArray, aOff: number, lda: number,
  b: AttentionArray, bOff: number, ldb: number,
  n: number, rows: number, cols: number, alpha: number,
  c: AttentionArray, cOff: number, ldc: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const a0 = aOff + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let e = 0; e < n; e++) {
        const y0 = b[b0 + e], y1 = b[b1 + e], y2 = b[b2 + e], y3 = b[b3 + e];
        let x = a[a0 + e];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = a[a1 + e];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = a[a2 + e];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = a[a3 + e];
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      c[c0 + j] = alpha * s00; c[c0 + j + 1] = alpha * s01; c[c0 + j + 2] = alpha * s02; c[c0 + j + 3] = alpha * s03;
      c[c1 + j] = alpha * s10; c[c1 + j + 1] = alpha * s11; c[c1 + j + 2] = alpha * s12; c[c1 + j + 3] = alpha * s13;
      c[c2 + j] = alpha * s20; c[c2 + j + 1] = alpha * s21; c[c2 + j + 2] = alpha * s22; c[c2 + j + 3] = alpha * s23;
      c[c3 + j] = alpha * s30; c[c3 + j + 1] = alpha * s31; c[c3 + j + 2] = alpha * s32; c[c3 + j + 3] = alpha * s33;
    }
    for (; j < cols; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let e = 0; e < n; e++) {
        const y = b[b0 + e];
        s0 += a[a0 + e] * y; s1 += a[a1 + e] * y; s2 += a[a2 + e] * y; s3 += a[a3 + e] * y;
      }
      c[c0 + j] = alpha * s0; c[c1 + j] = alpha * s1; c[c2 + j] = alpha * s2; c[c3 + j] = alpha * s3;
    }
  }
  for (; r < rows; r++) {
    const a0 = aOff + r * lda;
    const c0 = cOff + r * ldc;
    for (let j = 0; j < cols; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let e = 0; e < n; e++) s += a[a0 + e] * b[b0 + e];
      c[c0 + j] = alpha * s;
    }
  }
}

/**
 * Accumulating product: C[r, e] += Σ_c P[r, c] · V[c, e] for r < rows, e < n, c < inner
 * (C += P·V). Used for o += p·v and dq += dS·k.
 */
export function tileAccAB(
  p: AttentionArray, pOff: number, ldp: number,
  v: AttentionArray, vOff: number, ldv: number,
  rows: number, n: number, inner: number,
  c: AttentionArray, cOff: number, ldc: number,
): void {
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const p0 = pOff + r * ldp, p1 = p0 + ldp, p2 = p1 + ldp, p3 = p2 + ldp;
    const c0 = cOff + r * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let e = 0;
    for (; e + 4 <= n; e += 4) {
      let s00 = c[c0 + e], s01 = c[c0 + e + 1], s02 = c[c0 + e + 2], s03 = c[c0 + e + 3];
      let s10 = c[c1 + e], s11 = c[c1 + e + 1], s12 = c[c1 + e + 2], s13 = c[c1 + e + 3];
      let s20 = c[c2 + e], s21 = c[c2 + e + 1], s22 = c[c2 + e + 2], s23 = c[c2 + e + 3];
      let s30 = c[c3 + e], s31 = c[c3 + e + 1], s32 = c[c3 + e + 2], s33 = c[c3 + e + 3];
      let vj = vOff + e;
      for (let j = 0; j < inner; j++, vj += ldv) {
        const y0 = v[vj], y1 = v[vj + 1], y2 = v[vj + 2], y3 = v[vj + 3];
        let x = p[p0 + j];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = p[p1 + j];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = p[p2 + j];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = p[p3 + j];
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      c[c0 + e] = s00; c[c0 + e + 1] = s01; c[c0 + e + 2] = s02; c[c0 + e + 3] = s03;
      c[c1 + e] = s10; c[c1 + e + 1] = s11; c[c1 + e + 2] = s12; c[c1 + e + 3] = s13;
      c[c2 + e] = s20; c[c2 + e + 1] = s21; c[c2 + e + 2] = s22; c[c2 + e + 3] = s23;
      c[c3 + e] = s30; c[c3 + e + 1] = s31; c[c3 + e + 2] = s32; c[c3 + e + 3] = s33;
    }
    for (; e < n; e++) {
      let s0 = c[c0 + e], s1 = c[c1 + e], s2 = c[c2 + e], s3 = c[c3 + e];
      let vj = vOff + e;
      for (let j = 0; j < inner; j++, vj += ldv) {
        const y = v[vj];
        s0 += p[p0 + j] * y; s1 += p[p1 + j] * y; s2 += p[p2 + j] * y; s3 += p[p3 + j] * y;
      }
      c[c0 + e] = s0; c[c1 + e] = s1; c[c2 + e] = s2; c[c3 + e] = s3;
    }
  }
  for (; r < rows; r++) {
    const p0 = pOff + r * ldp;
    const c0 = cOff + r * ldc;
    for (let j = 0; j < inner; j++) {
      const x = p[p0 + j];
      const vj = vOff + j * ldv;
      for (let e = 0; e < n; e++) c[c0 + e] += x * v[vj + e];
    }
  }
}

/**
 * Accumulating transposed product: C[c, e] += Σ_r P[r, c] · X[r, e] for c < cols, e < n,
 * r < inner (C += Pᵀ·X). Used for dv += pᵀ·dO and dk += dSᵀ·q.
 */
export function tileAccAtB(
  p: AttentionArray, pOff: number, ldp: number,
  x: AttentionArray, xOff: number, ldx: number,
  cols: number, n: number, inner: number,
  c: AttentionArray, cOff: number, ldc: number,
): void {
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const c0 = cOff + j * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let e = 0;
    for (; e + 4 <= n; e += 4) {
      let s00 = c[c0 + e], s01 = c[c0 + e + 1], s02 = c[c0 + e + 2], s03 = c[c0 + e + 3];
      let s10 = c[c1 + e], s11 = c[c1 + e + 1], s12 = c[c1 + e + 2], s13 = c[c1 + e + 3];
      let s20 = c[c2 + e], s21 = c[c2 + e + 1], s22 = c[c2 + e + 2], s23 = c[c2 + e + 3];
      let s30 = c[c3 + e], s31 = c[c3 + e + 1], s32 = c[c3 + e + 2], s33 = c[c3 + e + 3];
      let pr = pOff + j;
      let xr = xOff + e;
      for (let r = 0; r < inner; r++, pr += ldp, xr += ldx) {
        const y0 = x[xr], y1 = x[xr + 1], y2 = x[xr + 2], y3 = x[xr + 3];
        let w = p[pr];
        s00 += w * y0; s01 += w * y1; s02 += w * y2; s03 += w * y3;
        w = p[pr + 1];
        s10 += w * y0; s11 += w * y1; s12 += w * y2; s13 += w * y3;
        w = p[pr + 2];
        s20 += w * y0; s21 += w * y1; s22 += w * y2; s23 += w * y3;
        w = p[pr + 3];
        s30 += w * y0; s31 += w * y1; s32 += w * y2; s33 += w * y3;
      }
      c[c0 + e] = s00; c[c0 + e + 1] = s01; c[c0 + e + 2] = s02; c[c0 + e + 3] = s03;
      c[c1 + e] = s10; c[c1 + e + 1] = s11; c[c1 + e + 2] = s12; c[c1 + e + 3] = s13;
      c[c2 + e] = s20; c[c2 + e + 1] = s21; c[c2 + e + 2] = s22; c[c2 + e + 3] = s23;
      c[c3 + e] = s30; c[c3 + e + 1] = s31; c[c3 + e + 2] = s32; c[c3 + e + 3] = s33;
    }
    for (; e < n; e++) {
      let s0 = c[c0 + e], s1 = c[c1 + e], s2 = c[c2 + e], s3 = c[c3 + e];
      let pr = pOff + j;
      let xr = xOff + e;
      for (let r = 0; r < inner; r++, pr += ldp, xr += ldx) {
        const y = x[xr];
        s0 += p[pr] * y; s1 += p[pr + 1] * y; s2 += p[pr + 2] * y; s3 += p[pr + 3] * y;
      }
      c[c0 + e] = s0; c[c1 + e] = s1; c[c2 + e] = s2; c[c3 + e] = s3;
    }
  }
  for (; j < cols; j++) {
    const c0 = cOff + j * ldc;
    for (let r = 0; r < inner; r++) {
      const w = p[pOff + r * ldp + j];
      const xr = xOff + r * ldx;
      for (let e = 0; e < n; e++) c[c0 + e] += w * x[xr + e];
    }
  }
}
