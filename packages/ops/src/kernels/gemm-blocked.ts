import { checkGemmArgs, clearGemmOutput, offsetAt, type FloatArray, type GemmArgs } from './gemm-types.js';

// The TypeScript GEMM: the path for float64 and the fallback for float32 where WebAssembly
// SIMD is missing. Goto/BLIS structure, as in assembly/gemm-f32.ts: B is packed per
// (KC x NC) block into NR-wide panels, alpha·A per (MC x KC) block into MR-tall panels, both as
// float64 so the micro-kernel is monomorphic and sums in double precision whatever the input
// type, and a 4x4 tile of C accumulates in local variables. Packing reads the operands through
// their strides, so transposed operands are never materialised.

const MR = 4;
const NR = 4;
const KC = 256;
const MC = 128;
const NC = 1024;

// Packing buffers, grown on demand and reused: repeated calls allocate nothing.
let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NR);
const tile = new Float64Array(MR * NR);

/** The blocked TypeScript GEMM for float32 and float64; same contract as `gemm`. */
export function gemmBlocked<T extends FloatArray>(args: GemmArgs<T>): void {
  const batch = checkGemmArgs(args);
  if (args.m === 0 || args.n === 0 || batch === 0) return;
  if (args.k === 0) {
    clearGemmOutput(args, batch);
    return;
  }
  for (let t = 0; t < batch; t++) gemmBlockedRows(args, t, 0, args.m);
}

/**
 * Computes rows [rowStart, rowEnd) of C for batch item `t`, with `args` already checked and
 * k > 0. Disjoint row ranges touch disjoint parts of C, so a worker pool can split M this way.
 */
export function gemmBlockedRows<T extends FloatArray>(
  args: GemmArgs<T>, t: number, rowStart: number, rowEnd: number,
): void {
  const { n, k, a, b, c, aRowStride, aColStride, bRowStride, bColStride, cRowStride } = args;
  const alpha = args.alpha ?? 1;
  const aBase = offsetAt(args.aOffsets, t);
  const bBase = offsetAt(args.bOffsets, t);
  const cBase = offsetAt(args.cOffsets, t);
  const needB = Math.min(KC, k) * roundUp(Math.min(NC, n), NR);
  if (packB.length < needB) packB = new Float64Array(needB);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelsB(b, bBase + pc * bRowStride + jc * bColStride, bRowStride, bColStride, kc, nc, packB);
      const add = args.accumulate === true || pc > 0;
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = Math.min(MC, rowEnd - ic);
        packPanelsA(a, aBase + ic * aRowStride + pc * aColStride, aRowStride, aColStride, mc, kc, alpha, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const cOff = cBase + (ic + ir) * cRowStride + jc + jr;
            microKernel(kc, ir * kc, jr * kc, c, cOff, cRowStride, Math.min(MR, mc - ir), nr, add);
          }
        }
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** Packs alpha·A[0:mc, 0:kc] into MR-row panels (kc groups of MR values, zero-padded). */
function packPanelsA(
  a: FloatArray, base: number, rs: number, cs: number, mc: number, kc: number, alpha: number,
  dst: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let d = ir * kc;
    for (let p = 0; p < kc; p++) {
      const s = base + ir * rs + p * cs;
      for (let r = 0; r < MR; r++) dst[d++] = r < rows ? alpha * a[s + r * rs] : 0;
    }
  }
}

/** Packs B[0:kc, 0:nc] into NR-column panels (kc groups of NR values, zero-padded). */
function packPanelsB(
  b: FloatArray, base: number, rs: number, cs: number, kc: number, nc: number, dst: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let d = jr * kc;
    for (let p = 0; p < kc; p++) {
      const s = base + p * rs + jr * cs;
      for (let j = 0; j < NR; j++) dst[d++] = j < cols ? b[s + j * cs] : 0;
    }
  }
}

/**
 * C tile (+)= packed A panel · packed B panel. Sixteen accumulators in locals; V8 keeps most in
 * registers. Edge tiles (mr < MR or nr < NR) go through `tile` and write only their valid part.
 */
function microKernel(
  kc: number, ai: number, bi: number, c: FloatArray, cOff: number, crs: number,
  mr: number, nr: number, add: boolean,
): void {
  const pa = packA;
  const pb = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
    const b0 = pb[bi], b1 = pb[bi + 1], b2 = pb[bi + 2], b3 = pb[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai += MR;
    bi += NR;
  }
  if (mr === MR && nr === NR) {
    let o = cOff;
    if (add) {
      c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += crs;
      c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += crs;
      c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += crs;
      c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    } else {
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += crs;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += crs;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += crs;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
    return;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  tile[12] = c30; tile[13] = c31; tile[14] = c32; tile[15] = c33;
  for (let i = 0; i < mr; i++) {
    const o = cOff + i * crs;
    for (let j = 0; j < nr; j++) c[o + j] = add ? c[o + j] + tile[i * NR + j] : tile[i * NR + j];
  }
}
