// The register tile of the float32 GEMM (see gemm-f32.ts): an MR x NR block of C held in ten
// v128 accumulators, in two variants that differ only in how packed A is laid out.

/** Rows of the register tile: 5 rows x 2 vectors = 10 accumulators + 2 B vectors + the A
 * value + a product temporary = 14 of the 15 XMM registers V8 allocates (6 rows spill). */
export const MR: i32 = 5;
/** Columns of the register tile (two f32x4 vectors). */
export const NR: i32 = 8;

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
 * Multiplies a packed MR x kc panel of A, each value splatted over a v128 (80 bytes per step),
 * by a packed kc x NR panel of B into the C tile at `c` (row stride `crsBytes`), adding to it
 * when `add`. The fastest loop V8 compiles here: the A values are plain loads with constant
 * offsets. Panels are zero-padded, so a ragged tile (mr < MR or nr < NR) computes in full and
 * stores its valid part.
 *
 * Keep the code after the loop lean (the write-back below, in both kernels): more work on the
 * accumulators there, such as scaling by alpha, changes how TurboFan orders the loop body, which
 * then hoists all seven loads above the arithmetic, and the resulting spills halve the speed.
 */
export function kernelSplatA(
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
  writeTile(c, crsBytes, add, mr, nr, tile, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41);
}

/**
 * kernelSplatA for compact packed A (MR floats, 20 bytes per step), splatting each value as it
 * loads it. V8 spends an address instruction on every offset load32_splat, so the loop is ~7%
 * slower, but packing writes a quarter of the bytes: the better trade when few column panels
 * share each packed A value (small n).
 */
export function kernelScalarA(
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
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(ap, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(ap, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(ap, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    av = v128.load32_splat(ap, 16);
    c40 = madd(av, b0, c40);
    c41 = madd(av, b1, c41);
    ap += 20;
    bp += 32;
  }
  writeTile(c, crsBytes, add, mr, nr, tile, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41);
}

/**
 * Writes a finished tile: full-width rows by vector (also in the bottom tile of a ragged m),
 * a ragged-width tile through the `tile` scratch, element by element.
 */
// @ts-ignore: decorator
@inline function writeTile(
  c: usize, crsBytes: usize, add: bool, mr: i32, nr: i32, tile: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128,
  c21: v128, c30: v128, c31: v128, c40: v128, c41: v128,
): void {
  if (nr == NR) {
    storeRow(c, c00, c01, add);
    if (mr > 1) storeRow(c + crsBytes, c10, c11, add);
    if (mr > 2) storeRow(c + crsBytes * 2, c20, c21, add);
    if (mr > 3) storeRow(c + crsBytes * 3, c30, c31, add);
    if (mr > 4) storeRow(c + crsBytes * 4, c40, c41, add);
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

/** Stores (or adds, when `add`) one 8-wide row of a C tile. */
// @ts-ignore: decorator
@inline function storeRow(c: usize, v0: v128, v1: v128, add: bool): void {
  if (add) {
    v0 = f32x4.add(v0, v128.load(c));
    v1 = f32x4.add(v1, v128.load(c, 16));
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

