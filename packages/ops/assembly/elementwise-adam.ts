// The fused Adam/AdamW update over float32 parameters in float64 lanes, two at a time, with
// the JavaScript loop's exact operation order (nn/src/optim/adam.ts), so results match it bit
// for bit: m and v are stored as float32, while the parameter update reads them unrounded.

// @ts-ignore: decorator
@inline
function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// @ts-ignore: decorator
@inline
function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/**
 * θ ← θ·decay; g ← grad + l2·θ; m ← β₁m + c1·g; v ← β₂v + c2·g²;
 * θ ← θ − stepSize·m / (√v / correction2Sqrt + eps), for n elements (c1 = 1 − β₁, c2 = 1 − β₂).
 */
export function adamUpdate(
  theta: usize, grad: usize, m: usize, v: usize, n: i32,
  beta1: f64, c1: f64, beta2: f64, c2: f64, stepSize: f64, correction2Sqrt: f64, eps: f64, decay: f64, l2: f64,
): void {
  const b1 = f64x2.splat(beta1);
  const k1 = f64x2.splat(c1);
  const b2 = f64x2.splat(beta2);
  const k2 = f64x2.splat(c2);
  const ss = f64x2.splat(stepSize);
  const cs = f64x2.splat(correction2Sqrt);
  const ep = f64x2.splat(eps);
  const dc = f64x2.splat(decay);
  const l = f64x2.splat(l2);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const p = <usize>i << 2;
    const t = f64x2.mul(load2(theta + p), dc);
    const g = f64x2.add(load2(grad + p), f64x2.mul(l, t));
    const mi = f64x2.add(f64x2.mul(b1, load2(m + p)), f64x2.mul(k1, g));
    const vi = f64x2.add(f64x2.mul(b2, load2(v + p)), f64x2.mul(f64x2.mul(k2, g), g));
    store2(m + p, mi);
    store2(v + p, vi);
    store2(theta + p, f64x2.sub(t, f64x2.div(f64x2.mul(ss, mi), f64x2.add(f64x2.div(f64x2.sqrt(vi), cs), ep))));
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    const t = <f64>load<f32>(theta + p) * decay;
    const g = <f64>load<f32>(grad + p) + l2 * t;
    const mi = beta1 * <f64>load<f32>(m + p) + c1 * g;
    const vi = beta2 * <f64>load<f32>(v + p) + c2 * g * g;
    store<f32>(m + p, <f32>mi);
    store<f32>(v + p, <f32>vi);
    store<f32>(theta + p, <f32>(t - (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + eps)));
  }
}
