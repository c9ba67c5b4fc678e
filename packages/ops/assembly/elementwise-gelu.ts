// The erf-form GELU and its derivative on four float32 lanes, table-free (a gather per lane
// would leave SIMD). With t = |x|, e = e^(−t²/2) and R = Φ(−t)/e from simd-erf.ts:
//   gelu(x)  = x·Φ(x)        = max(x, 0) − e·t·R
//   gelu'(x) = Φ(x) + x·φ(x) = 0.5 ± (0.5 + u), + for x ≥ 0, u = e·(t/√(2π) − R)
// so the left tail keeps relative accuracy (no 1 − Φ there). Against float64 over |x| < 6:
// gelu within 1.5e-6 relative (worst near x = −5.7, from rounding t²; 5e-7 for |x| < 2),
// gelu' within 2e-7 absolute (scripts/fit-gelu.py replays these operations).
//
// The work runs in four passes over chunks that stay in L1, the y and g buffers holding the
// intermediates: one pass with every step chained measured ~10% slower here, its dependency
// chain (~45 cycles) longer than out-of-order execution can overlap across vectors.

import { expReduced4, normalTailRatio4, reduceNegHalfSquare4 } from './simd-erf';

/** Bytes per chunk: 256 vectors, 4 KB for each of x, y and g. */
const CHUNK: usize = 4096;
/** Bits of 6.0f: |x| at or above it (or NaN) is left to the caller. */
const SIX_BITS: i32 = 0x40c00000;
const INV_SQRT_2PI: f32 = 0.3989422804014327;

/** gelu and gelu' of the four inputs at x into y and g, from e at g and R at y. */
// @ts-ignore: decorator
@inline function outputs(x: usize, y: usize, g: usize): void {
  const v = v128.load(x);
  const t = v128.and(v, i32x4.splat(0x7fffffff));
  const e = v128.load(g);
  const ratio = v128.load(y);
  v128.store(y, f32x4.sub(f32x4.pmax(v, f32x4.splat(0)), f32x4.mul(e, f32x4.mul(t, ratio))));
  const u = f32x4.mul(e, f32x4.sub(f32x4.mul(t, f32x4.splat(INV_SQRT_2PI)), ratio));
  v128.store(g, f32x4.add(v128.xor(f32x4.add(u, f32x4.splat(0.5)), v128.xor(v, t)), f32x4.splat(0.5)));
}

/**
 * y = x·Φ(x) and g = gelu'(x) for n inputs at x; returns how many have |x| ≥ 6 or are NaN,
 * whose outputs the caller recomputes exactly. Works in whole vectors: when n is not a
 * multiple of 4 it reads the padding lanes of x (any values) and writes those of y and g.
 */
export function geluWithGrad(x: usize, y: usize, g: usize, n: i32): i32 {
  const whole = <usize>(n >> 2) << 4;
  const end = <usize>((n + 3) >> 2) << 4;
  // Largest |x| as bits over the real lanes (NaN sorts above Infinity).
  let big = i32x4.splat(0);
  for (let c: usize = 0; c < end; c += CHUNK) {
    const stop = min(c + CHUNK, end);
    // 1: e^(−t²/2) = 2^k·e^r: r into g, k in exponent position into y.
    for (let p = c; p < stop; p += 16) {
      let t = v128.and(v128.load(x + p), i32x4.splat(0x7fffffff));
      v128.store(g + p, reduceNegHalfSquare4(t, y + p));
      if (p >= whole) t = v128.and(t, i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n & 3)));
      big = i32x4.max_s(big, t);
    }
    // 2: e into g.
    for (let p = c; p < stop; p += 16) {
      v128.store(g + p, i32x4.add(expReduced4(v128.load(g + p)), v128.load(y + p)));
    }
    // 3: R into y.
    for (let p = c; p < stop; p += 16) {
      v128.store(y + p, normalTailRatio4(v128.and(v128.load(x + p), i32x4.splat(0x7fffffff))));
    }
    // 4: the results.
    for (let p = c; p < stop; p += 16) outputs(x + p, y + p, g + p);
  }
  big = i32x4.max_s(big, v128.shuffle<i32>(big, big, 2, 3, 0, 1));
  if (max(i32x4.extract_lane(big, 0), i32x4.extract_lane(big, 1)) < SIX_BITS) return 0;
  let outside = 0;
  for (let i = 0; i < n; i++) outside += <i32>!(Mathf.abs(load<f32>(x + (<usize>i << 2))) < 6);
  return outside;
}
