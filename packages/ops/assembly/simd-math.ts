// AssemblyScript: four-lane float32 math shared by the attention and elementwise modules.
// madd() is one FMA in a relaxed-SIMD build and a multiply then an add otherwise.

/** a·b + c on four lanes. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// ---- e^x on four lanes (Cephes expf: relative error ~1e-7; x < -87.3 gives exactly 0) ----

@inline export function exp4(x: v128): v128 {
  // pmin/pmax map to single instructions; NaN in x survives both and propagates.
  const xc = f32x4.pmax(f32x4.pmin(x, f32x4.splat(88.3762626647949)), f32x4.splat(-88.0));
  // Adding 1.5·2^23 rounds x·log2(e) to an integer held in the low mantissa bits.
  const magic = f32x4.splat(12582912.0);
  const t = f32x4.add(f32x4.mul(xc, f32x4.splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(xc, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = madd(y, r, f32x4.splat(1.3981999507e-3));
  y = madd(y, r, f32x4.splat(8.3334519073e-3));
  y = madd(y, r, f32x4.splat(4.1665795894e-2));
  y = madd(y, r, f32x4.splat(1.6666665459e-1));
  y = madd(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), f32x4.splat(1));
  // 2^n: the integer n sits in t's low bits; move it (biased) into the exponent field.
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
  const e = f32x4.mul(y, pow2n);
  // NaN fails the comparison, so it propagates.
  return v128.andnot(e, f32x4.lt(x, f32x4.splat(-87.33654)));
}
