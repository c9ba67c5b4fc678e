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
 * (MC x KC) block into MR-tall row panels (gemm-f32-pack.ts), and an MR x NR register tile of C
 * accumulates in ten v128 locals (gemm-f32-tile.ts). The packed B panel (KC x NR, 8 KiB) stays
 * in L1 while A panels stream from L2. Packing absorbs the operands' strides, so transposed
 * inputs cost nothing extra.
 *
 * Shaped by what V8's TurboFan emits (read with `node --print-wasm-code`): it hoists every load
 * of a loop body above the arithmetic, so loads + accumulators + one temporary must fit the 15
 * allocatable XMM registers, which rules out unrolling the k loop and tiles above 5x8; and a
 * v128.load32_splat with an offset costs an extra address instruction, so for wide products
 * packed A stores each value already splatted across a v128 and the kernel reads it with a plain
 * v128.load. Without FMA the loop is bound by instruction issue: every instruction saved counts.
 * With FMA it is bound by the multiply-adds, the extra address instructions come free, and the
 * compact packing always wins (by 3-9% on this repo's benchmark shapes, packing included).
 */
import { MR, NR, kernelScalarA, kernelSplatA } from './gemm-f32-tile';
import { packASplat, packAScalar, packB } from './gemm-f32-pack';


/** Depth of a packed block: a KC x NR panel of B is 8 KiB and stays in L1. */
const KC: i32 = 256;
/** Values in a packed A block; splatted to 16 bytes each that is 256 KiB, half of L2. Shallow
 * k gets taller blocks. */
const A_BLOCK: i32 = 64 * KC;
/** Columns of a packed B block (KC x NC = 2 MiB, fits L3). */
const NC: i32 = 2048;
/** Narrower products use compact packed A (kernelScalarA): each packed value of A serves only
 * n / NR tiles, too few to pay for writing it splatted (16 bytes instead of 4). The FMA build
 * never splats (see above). */
const SPLAT_MIN_N: i32 = ASC_FEATURE_RELAXED_SIMD ? i32.MAX_VALUE : 48;

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
  const packedA = work;
  const packedB = work + (<usize>A_BLOCK << 4);
  const tile = packedB + (<usize>(KC * NC) << 2);
  const crsBytes = <usize>crs << 2;
  const splat = n >= SPLAT_MIN_N;
  const aValueBytes: usize = splat ? 16 : 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(kc, nc, b + (<usize>(pc * brs + jc * bcs) << 2), brs, bcs, alpha, packedB);
      const add = accumulate != 0 || pc > 0;
      const mcMax = (A_BLOCK / kc / MR) * MR;
      const aPanelBytes = <usize>(MR * kc) * aValueBytes;
      for (let ic = 0; ic < m; ic += mcMax) {
        const mc = min(mcMax, m - ic);
        const aBlock = a + (<usize>(ic * ars + pc * acs) << 2);
        if (splat) packASplat(mc, kc, aBlock, ars, acs, packedA);
        else packAScalar(mc, kc, aBlock, ars, acs, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 2);
          let cp = c + (<usize>(ic * crs + jc + jr) << 2);
          let ap = packedA;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            if (splat) kernelSplatA(kc, ap, bp, cp, crsBytes, add, mr, nr, tile);
            else kernelScalarA(kc, ap, bp, cp, crsBytes, add, mr, nr, tile);
            ap += aPanelBytes;
            cp += crsBytes * MR;
          }
        }
      }
    }
  }
}
