// LayerNorm over the last dim in WebAssembly SIMD: `rows` rows of `d` float32 elements,
// row-major, computed in float64 (two lanes) like the JavaScript kernels, so a large mean
// relative to the spread costs no accuracy; float32 is only the storage. Four elements per
// step (one f32x4 load, two f64x2 halves); a scalar tail takes the last d mod 4.

// @ts-ignore: decorator
@inline
function lo(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

// @ts-ignore: decorator
@inline
function hi(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
}

/** Four float32 from two float64 pairs. */
// @ts-ignore: decorator
@inline
function narrow(a: v128, b: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 2);
}

// @ts-ignore: decorator
@inline
function total(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** y = (x − μ)·rstd·w + b per row; μ and rstd (two-pass, biased variance) kept per row as float64. */
export function layerNormForward(x: usize, w: usize, b: usize, out: usize, mean: usize, rstd: usize, rows: i32, d: i32, eps: f64): void {
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const or = out + (<usize>(r * d) << 2);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const v = v128.load(xr + (<usize>j << 2));
      s0 = f64x2.add(s0, lo(v));
      s1 = f64x2.add(s1, hi(v));
    }
    let s = total(f64x2.add(s0, s1));
    for (; j < d; j++) s += <f64>load<f32>(xr + (<usize>j << 2));
    const mu = s / <f64>d;
    const m2 = f64x2.splat(mu);
    s0 = f64x2.splat(0);
    s1 = f64x2.splat(0);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const v = v128.load(xr + (<usize>j << 2));
      const c0 = f64x2.sub(lo(v), m2);
      const c1 = f64x2.sub(hi(v), m2);
      s0 = f64x2.add(s0, f64x2.mul(c0, c0));
      s1 = f64x2.add(s1, f64x2.mul(c1, c1));
    }
    let q = total(f64x2.add(s0, s1));
    for (; j < d; j++) {
      const c = <f64>load<f32>(xr + (<usize>j << 2)) - mu;
      q += c * c;
    }
    const rs = 1 / Math.sqrt(q / <f64>d + eps);
    store<f64>(mean + (<usize>r << 3), mu);
    store<f64>(rstd + (<usize>r << 3), rs);
    const r2 = f64x2.splat(rs);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const k = <usize>j << 2;
      const v = v128.load(xr + k);
      const wv = v128.load(w + k);
      const bv = v128.load(b + k);
      const y0 = f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(lo(v), m2), r2), lo(wv)), lo(bv));
      const y1 = f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(hi(v), m2), r2), hi(wv)), hi(bv));
      v128.store(or + k, narrow(y0, y1));
    }
    for (; j < d; j++) {
      const k = <usize>j << 2;
      store<f32>(or + k, <f32>((<f64>load<f32>(xr + k) - mu) * rs * <f64>load<f32>(w + k) + <f64>load<f32>(b + k)));
    }
  }
}

/**
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·w and x̂ = (x − μ)·rstd; dw += Σ dy·x̂
 * and db += Σ dy over the rows, into float64 accumulators of d elements.
 */
export function layerNormBackward(
  dy: usize, x: usize, w: usize, mean: usize, rstd: usize, dx: usize, dw: usize, db: usize, rows: i32, d: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const gr = dy + (<usize>(r * d) << 2);
    const xr = x + (<usize>(r * d) << 2);
    const dr = dx + (<usize>(r * d) << 2);
    const mu = load<f64>(mean + (<usize>r << 3));
    const rs = load<f64>(rstd + (<usize>r << 3));
    const m2 = f64x2.splat(mu);
    const r2 = f64x2.splat(rs);
    let sg = f64x2.splat(0);
    let sgx = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const k = <usize>j << 2;
      const gv = v128.load(gr + k);
      const xv = v128.load(xr + k);
      const wv = v128.load(w + k);
      const a = dw + (<usize>j << 3);
      const c = db + (<usize>j << 3);
      const g0 = lo(gv);
      const g1 = hi(gv);
      const x0 = f64x2.mul(f64x2.sub(lo(xv), m2), r2);
      const x1 = f64x2.mul(f64x2.sub(hi(xv), m2), r2);
      const gw0 = f64x2.mul(g0, lo(wv));
      const gw1 = f64x2.mul(g1, hi(wv));
      sg = f64x2.add(sg, f64x2.add(gw0, gw1));
      sgx = f64x2.add(sgx, f64x2.add(f64x2.mul(gw0, x0), f64x2.mul(gw1, x1)));
      v128.store(a, f64x2.add(v128.load(a), f64x2.mul(g0, x0)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.mul(g1, x1)), 16);
      v128.store(c, f64x2.add(v128.load(c), g0));
      v128.store(c, f64x2.add(v128.load(c, 16), g1), 16);
    }
    let sumG = total(sg);
    let sumGX = total(sgx);
    for (; j < d; j++) {
      const k = <usize>j << 2;
      const g = <f64>load<f32>(gr + k);
      const xhat = (<f64>load<f32>(xr + k) - mu) * rs;
      const gw = g * <f64>load<f32>(w + k);
      sumG += gw;
      sumGX += gw * xhat;
      const a = dw + (<usize>j << 3);
      const c = db + (<usize>j << 3);
      store<f64>(a, load<f64>(a) + g * xhat);
      store<f64>(c, load<f64>(c) + g);
    }
    const mG = sumG / <f64>d;
    const mGX = sumGX / <f64>d;
    const mg2 = f64x2.splat(mG);
    const mgx2 = f64x2.splat(mGX);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const k = <usize>j << 2;
      const gv = v128.load(gr + k);
      const xv = v128.load(xr + k);
      const wv = v128.load(w + k);
      const x0 = f64x2.mul(f64x2.sub(lo(xv), m2), r2);
      const x1 = f64x2.mul(f64x2.sub(hi(xv), m2), r2);
      const d0 = f64x2.mul(r2, f64x2.sub(f64x2.sub(f64x2.mul(lo(gv), lo(wv)), mg2), f64x2.mul(x0, mgx2)));
      const d1 = f64x2.mul(r2, f64x2.sub(f64x2.sub(f64x2.mul(hi(gv), hi(wv)), mg2), f64x2.mul(x1, mgx2)));
      v128.store(dr + k, narrow(d0, d1));
    }
    for (; j < d; j++) {
      const k = <usize>j << 2;
      const xhat = (<f64>load<f32>(xr + k) - mu) * rs;
      store<f32>(dr + k, <f32>(rs * (<f64>load<f32>(gr + k) * <f64>load<f32>(w + k) - mG - xhat * mGX)));
    }
  }
}
