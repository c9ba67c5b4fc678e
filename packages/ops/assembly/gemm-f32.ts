/**
 * Float32 GEMM for WebAssembly SIMD (128-bit), written in AssemblyScript.
 *
 * Why AssemblyScript: the SIMD kernel stays readable TypeScript-like source in this repository,
 * and `asc` is a pure-JS compiler installed as an ordinary devDependency, so the build compiles
 * it in-repo in a few seconds. No binary is fetched, committed or trusted: scripts/build-wasm.mjs
 * compiles this file twice (plain SIMD, where the multiply-add is f32x4.mul + f32x4.add, and
 * relaxed SIMD, where it is f32x4.relaxed_madd and becomes one FMA instruction) and embeds both
 * modules as base64 into a generated TypeScript module that loads in Node and in browsers.
 *
 * Memory contract: the JS driver (src/kernels/gemm-wasm.ts) owns linear memory from heapBase()
 * upward. It places a workspace of workspaceBytes() there, copies the operands after it, and
 * calls gemm() once per batch item with byte addresses and element strides.
 *
 * Algorithm (Goto/BLIS): B is packed per (KC x NC) block into NR-wide column panels, A per
 * (MC x KC) block into MR-tall row panels, and an MR x NR register tile of C accumulates in ten
 * v128 locals. The packed B panel (KC x NR, 8 KiB) stays in L1 while A panels stream from L2.
 * Packing also absorbs the operands' strides, so transposed inputs cost nothing extra.
 *
 * Shaped by what V8's TurboFan emits (read with `node --print-wasm-code`): it hoists every load
 * of a loop body above the arithmetic, so loads + accumulators + one temporary must fit the 15
 * allocatable XMM registers, which rules out unrolling the k loop and tiles above 5x8; and a
 * v128.load32_splat with an offset costs an extra address instruction, so packed A stores each
 * value already splatted across a v128 and the kernel reads it with a plain v128.load. Without
 * FMA the loop is bound by instruction issue, so every instruction saved is throughput.
 */

/** Rows of the register tile: 5 rows x 2 vectors = 10 accumulators + 2 B vectors + the A
 * value + a product temporary = 14 of the 15 XMM registers V8 allocates (6 rows spill). */
const MR: i32 = 5;
/** Columns of the register tile (two f32x4 vectors). */
const NR: i32 = 8;
/** Depth of a packed block: a KC x NR panel of B is 8 KiB and stays in L1. */
const KC: i32 = 256;
/** Values in a packed A block; splatted to 16 bytes each that is 256 KiB, half of L2. Shallow
 * k gets taller blocks. */
const A_BLOCK: i32 = 64 * KC;
/** Columns of a packed B block (KC x NC = 2 MiB, fits L3). */
const NC: i32 = 2048;

/** Bytes of scratch the driver must reserve at `work`: packed A, packed B and one C tile. */
export function workspaceBytes(): i32 {
  return (A_BLOCK << 4) + ((KC * NC + MR * NR) << 2);
}

/** First byte of linear memory not used by this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * C = alpha·A·B (or C += alpha·A·B when `accumulate` is 1) for one matrix, all in linear memory.
 * Addresses are in bytes; strides in elements: A[i,p] at a + 4(i·ars + p·acs), likewise B, and
 * C[i,j] at c + 4(i·crs + j). Requires m, n, k >= 1. A caller can split the rows across workers
 * by passing disjoint row ranges (offset a and c, shrink m).
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, ars: i32, acs: i32,
  b: usize, brs: i32, bcs: i32,
  c: usize, crs: i32,
  alpha: f32, accumulate: i32, work: usize,
): void {
  const packA = work;
  const packB = work + (<usize>A_BLOCK << 4);
  const tile = packB + (<usize>(KC * NC) << 2);
  const crsBytes = <usize>crs << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB_(kc, nc, b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, packB);
      const add = accumulate != 0 || pc > 0;
      const mcMax = (A_BLOCK / kc / MR) * MR;
      for (let ic = 0; ic < m; ic += mcMax) {
        const mc = min(mcMax, m - ic);
        packA_(mc, kc, a + (<usize>(ic * ars + pc * acs) << 2), ars, acs, alpha, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + (<usize>(jr * kc) << 2);
          let cp = c + (<usize>(ic * crs + jc + jr) << 2);
          let ap = packA;
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, ap, bp, cp, crsBytes, add, min(MR, mc - ir), nr, tile);
            ap += <usize>(MR * kc) << 4;
            cp += crsBytes * MR;
          }
        }
      }
    }
  }
}

/** a·b + c: one FMA under relaxed SIMD, a multiply then an add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(c, f32x4.mul(a, b));
  }
}

/**
 * Multiplies a packed MR x kc panel of A by a packed kc x NR panel of B into the C tile at `c`
 * (row stride `crsBytes`), adding to it when `add`. Panels are zero-padded, so a ragged edge
 * tile (mr < MR or nr < NR) computes the full tile and writes back only its valid part.
 */
function microKernel(
  kc: i32, ap: usize, bp: usize, c: usize, crsBytes: usize,
  add: bool, mr: i32, nr: i32, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  // Loop on the B pointer alone: a separate counter would cost an instruction per step.
  const bEnd = bp + (<usize>kc << 5);
  while (bp < bEnd) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load(ap, 16);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load(ap, 32);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load(ap, 48);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    av = v128.load(ap, 64);
    c40 = madd(av, b0, c40);
    c41 = madd(av, b1, c41);
    ap += 80;
    bp += 32;
  }
  if (mr == MR && nr == NR) {
    const c1 = c + crsBytes;
    const c2 = c1 + crsBytes;
    const c3 = c2 + crsBytes;
    const c4 = c3 + crsBytes;
    if (add) {
      c00 = f32x4.add(c00, v128.load(c));
      c01 = f32x4.add(c01, v128.load(c, 16));
      c10 = f32x4.add(c10, v128.load(c1));
      c11 = f32x4.add(c11, v128.load(c1, 16));
      c20 = f32x4.add(c20, v128.load(c2));
      c21 = f32x4.add(c21, v128.load(c2, 16));
      c30 = f32x4.add(c30, v128.load(c3));
      c31 = f32x4.add(c31, v128.load(c3, 16));
      c40 = f32x4.add(c40, v128.load(c4));
      c41 = f32x4.add(c41, v128.load(c4, 16));
    }
    v128.store(c, c00);
    v128.store(c, c01, 16);
    v128.store(c1, c10);
    v128.store(c1, c11, 16);
    v128.store(c2, c20);
    v128.store(c2, c21, 16);
    v128.store(c3, c30);
    v128.store(c3, c31, 16);
    v128.store(c4, c40);
    v128.store(c4, c41, 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  v128.store(tile, c40, 128);
  v128.store(tile, c41, 144);
  for (let i = 0; i < mr; i++) {
    const src = tile + (<usize>(i * NR) << 2);
    const dst = c + crsBytes * i;
    for (let j = 0; j < nr; j++) {
      const off = <usize>j << 2;
      const v = load<f32>(src + off);
      store<f32>(dst + off, add ? load<f32>(dst + off) + v : v);
    }
  }
}

/**
 * Packs alpha·A[0:mc, 0:kc] (A[i,p] at src + 4(i·rs + p·cs)) into MR-row panels: panel q holds
 * rows qMR..qMR+MR-1 as kc groups of MR vectors, each value splatted over its 4 lanes; rows past
 * mc are zero. One splatting load per value serves every stride, transposed or not.
 */
function packA_(mc: i32, kc: i32, src: usize, rs: i32, cs: i32, alpha: f32, dst: usize): void {
  const av = f32x4.splat(alpha);
  const rsBytes = <usize>rs << 2;
  const csBytes = <usize>cs << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const s = src + rsBytes * ir;
    let d = dst + (<usize>(ir * kc) << 4);
    if (rows == MR) {
      const s1 = s + rsBytes;
      const s2 = s1 + rsBytes;
      const s3 = s2 + rsBytes;
      const s4 = s3 + rsBytes;
      for (let p = 0; p < kc; p++) {
        const off = csBytes * p;
        v128.store(d, f32x4.mul(av, v128.load32_splat(s + off)));
        v128.store(d, f32x4.mul(av, v128.load32_splat(s1 + off)), 16);
        v128.store(d, f32x4.mul(av, v128.load32_splat(s2 + off)), 32);
        v128.store(d, f32x4.mul(av, v128.load32_splat(s3 + off)), 48);
        v128.store(d, f32x4.mul(av, v128.load32_splat(s4 + off)), 64);
        d += 80;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const sp = s + csBytes * p;
        for (let r = 0; r < MR; r++) {
          v128.store(d, r < rows ? f32x4.mul(av, v128.load32_splat(sp + rsBytes * r)) : f32x4.splat(0));
          d += 16;
        }
      }
    }
  }
}

/**
 * Packs B[0:kc, 0:nc] (B[p,j] at src + 4(p·rs + j·cs)) into NR-column panels: panel q holds
 * columns qNR..qNR+NR-1 as kc groups of NR values, columns past nc zero. Row-major sources are
 * copied by vector; transposed ones go through 4x4 transposes.
 */
function packB_(kc: i32, nc: i32, src: usize, rs: i32, cs: i32, dst: usize): void {
  const rsBytes = <usize>rs << 2;
  const csBytes = <usize>cs << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const d = dst + (<usize>(jr * kc) << 2);
    const s = src + csBytes * jr;
    let p = 0;
    if (cols == NR && cs == 1) {
      for (; p < kc; p++) {
        const sp = s + rsBytes * p;
        const o = d + (<usize>p << 5);
        v128.store(o, v128.load(sp));
        v128.store(o, v128.load(sp, 16), 16);
      }
    } else if (cols == NR && rs == 1) {
      for (; p + 4 <= kc; p += 4) {
        for (let h = 0; h < NR; h += 4) {
          const s0 = s + csBytes * h + (<usize>p << 2);
          const s1 = s0 + csBytes;
          const s2 = s1 + csBytes;
          const s3 = s2 + csBytes;
          const r0 = v128.load(s0);
          const r1 = v128.load(s1);
          const r2 = v128.load(s2);
          const r3 = v128.load(s3);
          const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
          const o = d + (<usize>(p * NR + h) << 2);
          v128.store(o, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(o, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), NR * 4);
          v128.store(o, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), NR * 8);
          v128.store(o, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), NR * 12);
        }
      }
    }
    for (; p < kc; p++) {
      const o = d + (<usize>(p * NR) << 2);
      const sp = s + rsBytes * p;
      for (let j = 0; j < NR; j++) {
        store<f32>(o + (<usize>j << 2), j < cols ? load<f32>(sp + csBytes * j) : 0);
      }
    }
  }
}
