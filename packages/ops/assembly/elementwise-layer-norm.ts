// LayerNorm over the last dim in WebAssembly SIMD: `rows` rows of `d` float32 elements,
// row-major, in float32 arithmetic like PyTorch's CPU kernel, four elements per step with a
// scalar tail for the last d mod 4. Two things keep float32 accurate where a naive sum is not:
// - every row is shifted by its first element before summing, so a mean that is large
//   against the spread costs no accuracy (the sums are of differences, the size of the spread);
// - the weight and bias gradients, summed over many rows, add float32 partial sums of
//   FLUSH_ROWS rows into float64 accumulators.
// The per-row statistics stay float64 in memory (the JavaScript kernels' format).

/** Rows whose dw/db contributions are summed in float32 before joining the float64 totals. */
const FLUSH_ROWS: i32 = 16;

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** y = (x − μ)·rstd·w + b per row; μ and rstd (biased variance, two passes) kept per row as float64. */
export function layerNormForward(x: usize, w: usize, b: usize, out: usize, mean: usize, rstd: usize, rows: i32, d: i32, eps: f64): void {
  const whole = d & ~3;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const or = out + (<usize>(r * d) << 2);
    const x0 = load<f32>(xr);
    const shift = f32x4.splat(x0);
    // Four running sums: one would make each row a chain of dependent adds.
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let j = 0;
    for (; j + 16 <= d; j += 16) {
      const p = xr + (<usize>j << 2);
      s0 = f32x4.add(s0, f32x4.sub(v128.load(p), shift));
      s1 = f32x4.add(s1, f32x4.sub(v128.load(p, 16), shift));
      s2 = f32x4.add(s2, f32x4.sub(v128.load(p, 32), shift));
      s3 = f32x4.add(s3, f32x4.sub(v128.load(p, 48), shift));
    }
    for (; j < whole; j += 4) s0 = f32x4.add(s0, f32x4.sub(v128.load(xr + (<usize>j << 2)), shift));
    let sum = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
    for (; j < d; j++) sum += load<f32>(xr + (<usize>j << 2)) - x0;
    // The row's mean is x0 + m, m the mean of the differences.
    const m = sum / <f32>d;
    const mv = f32x4.splat(m);
    let q0 = f32x4.splat(0), q1 = f32x4.splat(0), q2 = f32x4.splat(0), q3 = f32x4.splat(0);
    for (j = 0; j + 16 <= d; j += 16) {
      const p = xr + (<usize>j << 2);
      const c0 = f32x4.sub(f32x4.sub(v128.load(p), shift), mv);
      const c1 = f32x4.sub(f32x4.sub(v128.load(p, 16), shift), mv);
      const c2 = f32x4.sub(f32x4.sub(v128.load(p, 32), shift), mv);
      const c3 = f32x4.sub(f32x4.sub(v128.load(p, 48), shift), mv);
      q0 = f32x4.add(q0, f32x4.mul(c0, c0));
      q1 = f32x4.add(q1, f32x4.mul(c1, c1));
      q2 = f32x4.add(q2, f32x4.mul(c2, c2));
      q3 = f32x4.add(q3, f32x4.mul(c3, c3));
    }
    for (; j < whole; j += 4) {
      const c = f32x4.sub(f32x4.sub(v128.load(xr + (<usize>j << 2)), shift), mv);
      q0 = f32x4.add(q0, f32x4.mul(c, c));
    }
    let sq = hsum(f32x4.add(f32x4.add(q0, q1), f32x4.add(q2, q3)));
    for (; j < d; j++) {
      const c = (load<f32>(xr + (<usize>j << 2)) - x0) - m;
      sq += c * c;
    }
    const rs = <f32>1 / Mathf.sqrt(sq / <f32>d + <f32>eps);
    store<f64>(mean + (<usize>r << 3), <f64>x0 + <f64>m);
    store<f64>(rstd + (<usize>r << 3), <f64>rs);
    const rv = f32x4.splat(rs);
    for (j = 0; j < whole; j += 4) {
      const k = <usize>j << 2;
      const c = f32x4.sub(f32x4.sub(v128.load(xr + k), shift), mv);
      v128.store(or + k, f32x4.add(f32x4.mul(f32x4.mul(c, rv), v128.load(w + k)), v128.load(b + k)));
    }
    for (; j < d; j++) {
      const k = <usize>j << 2;
      store<f32>(or + k, ((load<f32>(xr + k) - x0) - m) * rs * load<f32>(w + k) + load<f32>(b + k));
    }
  }
}

/** Adds the float32 partial sums at `part` (d values) into the float64 totals at `total`, and zeroes them. */
function flush(part: usize, total: usize, d: i32): void {
  for (let j = 0; j < d; j++) {
    const p = part + (<usize>j << 2);
    const t = total + (<usize>j << 3);
    store<f64>(t, load<f64>(t) + <f64>load<f32>(p));
    store<f32>(p, 0);
  }
}

/**
 * dx = rstd·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·w and x̂ = (x − μ)·rstd; dw += Σ dy·x̂
 * and db += Σ dy over the rows into float64 totals of d elements, through float32 partial
 * sums at `part` (2d floats of scratch, 16-byte aligned, zeroed here).
 */
export function layerNormBackward(
  dy: usize, x: usize, w: usize, mean: usize, rstd: usize, dx: usize, dw: usize, db: usize, part: usize, rows: i32, d: i32,
): void {
  const whole = d & ~3;
  const dwPart = part;
  const dbPart = part + (<usize>d << 2);
  memory.fill(part, 0, <usize>d << 3);
  for (let r = 0; r < rows; r++) {
    const gr = dy + (<usize>(r * d) << 2);
    const xr = x + (<usize>(r * d) << 2);
    const dr = dx + (<usize>(r * d) << 2);
    // μ as a float32 pair hi + lo, so x − μ keeps the float64 mean's precision.
    const mu = load<f64>(mean + (<usize>r << 3));
    const hi = <f32>mu;
    const lo = <f32>(mu - <f64>hi);
    const hv = f32x4.splat(hi);
    const lv = f32x4.splat(lo);
    const rs = <f32>load<f64>(rstd + (<usize>r << 3));
    const rv = f32x4.splat(rs);
    let sg = f32x4.splat(0);
    let sgx = f32x4.splat(0);
    let j = 0;
    for (; j < whole; j += 4) {
      const k = <usize>j << 2;
      const gv = v128.load(gr + k);
      const xhat = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(xr + k), hv), lv), rv);
      const gw = f32x4.mul(gv, v128.load(w + k));
      sg = f32x4.add(sg, gw);
      sgx = f32x4.add(sgx, f32x4.mul(gw, xhat));
      v128.store(dwPart + k, f32x4.add(v128.load(dwPart + k), f32x4.mul(gv, xhat)));
      v128.store(dbPart + k, f32x4.add(v128.load(dbPart + k), gv));
    }
    let sumG = hsum(sg);
    let sumGX = hsum(sgx);
    for (; j < d; j++) {
      const k = <usize>j << 2;
      const g = load<f32>(gr + k);
      const xhat = ((load<f32>(xr + k) - hi) - lo) * rs;
      const gw = g * load<f32>(w + k);
      sumG += gw;
      sumGX += gw * xhat;
      store<f32>(dwPart + k, load<f32>(dwPart + k) + g * xhat);
      store<f32>(dbPart + k, load<f32>(dbPart + k) + g);
    }
    const mG = sumG / <f32>d;
    const mGX = sumGX / <f32>d;
    const mgv = f32x4.splat(mG);
    const mgxv = f32x4.splat(mGX);
    for (j = 0; j < whole; j += 4) {
      const k = <usize>j << 2;
      const xhat = f32x4.mul(f32x4.sub(f32x4.sub(v128.load(xr + k), hv), lv), rv);
      const gw = f32x4.mul(v128.load(gr + k), v128.load(w + k));
      v128.store(dr + k, f32x4.mul(rv, f32x4.sub(f32x4.sub(gw, mgv), f32x4.mul(xhat, mgxv))));
    }
    for (; j < d; j++) {
      const k = <usize>j << 2;
      const xhat = ((load<f32>(xr + k) - hi) - lo) * rs;
      store<f32>(dr + k, rs * ((load<f32>(gr + k) * load<f32>(w + k) - mG) - xhat * mGX));
    }
    if ((r + 1) % FLUSH_ROWS == 0 || r == rows - 1) {
      flush(dwPart, dw, d);
      flush(dbPart, db, d);
    }
  }
}
