// AssemblyScript: the four-lane multiply-add shared by the attention, elementwise and GEMM modules:
// one FMA in a relaxed-SIMD build and a multiply then an add otherwise.

/** a·b + c on four lanes. */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
