// AssemblyScript: pieces of the normal density and CDF on four float32 lanes, table-free, for
// the GELU kernel (elementwise-gelu.ts). The constants come from scripts/fit-gelu.py, which
// also replays the kernel's operations in NumPy and prints its accuracy: refit there rather
// than editing numbers here.

import { madd } from './simd-math';

/** 1.5·2^23: adding it rounds to an integer held in the low mantissa bits (its bits: 0x4b400000). */
const MAGIC: f32 = 12582912.0;

/**
 * Range reduction of e^(−t²/2) = 2^k·e^r for |t| < 6: returns r (|r| ≤ ln(2)/2) and stores
 * k·2^23 (k ≤ 0), ready to be added to the bits of e^r, at `exponentAt`. Cody–Waite: k·C1 is
 * exact (C1 has 9 bits), so only t² is rounded: half an ulp, up to 1e-6 relative in e at t = 6,
 * the largest error of the kernel. Splitting t to square it exactly cost ~10% more time here.
 */
// @ts-ignore: decorator
@inline export function reduceNegHalfSquare4(t: v128, exponentAt: usize): v128 {
  const s = f32x4.mul(t, t);
  const scaled = f32x4.mul(s, f32x4.splat(-0.7213475204444817)); // −t²/(2 ln 2)
  const k = f32x4.nearest(scaled);
  const magic = f32x4.splat(MAGIC);
  v128.store(exponentAt, i32x4.shl(i32x4.sub(f32x4.add(scaled, magic), magic), 23));
  const r = f32x4.sub(f32x4.mul(s, f32x4.splat(-0.5)), f32x4.mul(k, f32x4.splat(0.693359375)));
  return f32x4.sub(r, f32x4.mul(k, f32x4.splat(-2.12194440e-4)));
}

/** e^r = 1 + r + r²·(a + b·r²), a and b linear in r, for |r| ≤ ln(2)/2 (1.2e-7 relative). */
// @ts-ignore: decorator
@inline export function expReduced4(r: v128): v128 {
  const r2 = f32x4.mul(r, r);
  const a = madd(r, f32x4.splat(0.16667170822620392), f32x4.splat(0.49999141693115234));
  const b = madd(r, f32x4.splat(0.008311137557029724), f32x4.splat(0.04190288111567497));
  return madd(madd(b, r2, a), r2, f32x4.add(r, f32x4.splat(1)));
}

/**
 * Φ(−t)/e^(−t²/2) = M(t)/√(2π) for t in [0, 6] (M the Mills ratio), a rational P3/Q4 (Q
 * monic) fitted to 6e-8 relative: times e^(−t²/2) it gives the left tail of the normal CDF
 * to relative, not absolute, accuracy.
 */
// @ts-ignore: decorator
@inline export function normalTailRatio4(t: v128): v128 {
  let p = f32x4.splat(0.39870214462280273);
  p = madd(p, t, f32x4.splat(3.0556817054748535));
  p = madd(p, t, f32x4.splat(9.7857666015625));
  p = madd(p, t, f32x4.splat(14.622980117797852));
  let q = f32x4.add(t, f32x4.splat(7.643298149108887));
  q = madd(q, t, f32x4.splat(25.723684310913086));
  q = madd(q, t, f32x4.splat(42.90633010864258));
  q = madd(q, t, f32x4.splat(29.245960235595703));
  return f32x4.div(p, q);
}
