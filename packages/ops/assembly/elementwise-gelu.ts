// The erf-form GELU and its derivative from the cubic Hermite tables of
// src/kernels/elementwise-gelu-table.ts (float64 coefficients, copied in once by the caller
// at `cdf` and `grad`), evaluated exactly as that JavaScript does, so results match it bit for
// bit (about 1e-7 relative to the exact GELU). Scalar: the table reads are a gather, which
// WebAssembly SIMD lacks; a table-free SIMD version (a Chebyshev erfc fit in float32) measured
// only ~20% faster here and ~1e-6 relative, so the tables stay.

const LO: f64 = -6;
const HI: f64 = 6;
const PER_UNIT: f64 = 64;

/**
 * y = x·Φ(x) and g = gelu'(x) for n inputs at x; returns how many fell outside [LO, HI)
 * (±Infinity and NaN included), whose outputs the caller recomputes exactly.
 */
export function geluWithGrad(x: usize, y: usize, g: usize, n: i32, cdf: usize, grad: usize): i32 {
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i << 2;
    const v = <f64>load<f32>(x + p);
    const inside = v >= LO && v < HI;
    const t = ((inside ? v : 0) - LO) * PER_UNIT;
    const k = <i32>t;
    const f = t - <f64>k;
    const c = cdf + (<usize>k << 5);
    const d = grad + (<usize>k << 5);
    store<f32>(y + p, <f32>(v * (load<f64>(c) + f * (load<f64>(c, 8) + f * (load<f64>(c, 16) + f * load<f64>(c, 24))))));
    store<f32>(g + p, <f32>(load<f64>(d) + f * (load<f64>(d, 8) + f * (load<f64>(d, 16) + f * load<f64>(d, 24)))));
    outside += inside ? 0 : 1;
  }
  return outside;
}
