// Row softmax / log-softmax in float32 SIMD: the exp-bound pass of cross-entropy and of the
// softmax op, which JavaScript's Math.exp runs at ~18 ns per element here.

import { exp4 } from './simd-exp';

// Lane i of a mask is set when i < rem: the valid lanes of a row's last partial vector.
@inline function tailMask(rem: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rem));
}

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Softmax (log = 0) or log-softmax (log = 1) of `rows` contiguous rows of `c` float32 from
 * `x` into `out` (same layout), and per row three float64 at `stats` + 24·row: the row max,
 * log Σ e^(x − max) and Σ x, from which a caller forms log-sum-exp and the mean without
 * adding a huge max to a small log (cross-entropy keeps them apart so large logits cancel).
 *
 * Rows need no alignment (WebAssembly loads and stores are unaligned). A row's last partial
 * vector is read whole with its spare lanes masked to -Infinity and is stored whole, so up
 * to three floats past a row in `out` are written: the next row overwrites them, and the
 * caller leaves four spare floats after the last. A NaN, +Infinity or all -Infinity row
 * gives NaN throughout, like the JavaScript kernels; -Infinity entries get probability 0.
 */
export function softmaxRows(x: usize, out: usize, stats: usize, rows: i32, c: i32, log: i32): void {
  const full = c & ~3;
  const rem = c - full;
  const mask = tailMask(rem);
  const tailAt = <usize>full << 2;
  const negInf = f32x4.splat(-Infinity);
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * c) << 2);
    const or = out + (<usize>(r * c) << 2);
    // Pass 1: max and Σ x. pmax (one instruction; f32x4.max is eight in V8) skips NaN like
    // the JavaScript `v > max`; a NaN entry still makes its e, Σ e and so the row NaN.
    let mx = negInf;
    let sx = f32x4.splat(0);
    for (let j = 0; j < full; j += 4) {
      const v = v128.load(xr + (<usize>j << 2));
      mx = f32x4.pmax(mx, v);
      sx = f32x4.add(sx, v);
    }
    let tail = negInf;
    if (rem > 0) {
      tail = v128.bitselect(v128.load(xr + tailAt), negInf, mask);
      mx = f32x4.pmax(mx, tail);
      sx = f32x4.add(sx, v128.and(tail, mask));
    }
    const m = max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
    const mv = f32x4.splat(m);
    // Pass 2: e = exp(x − max) (stored for softmax) and Σ e. Masked lanes give exp(-∞) = 0.
    let se = f32x4.splat(0);
    for (let j = 0; j < full; j += 4) {
      const k = <usize>j << 2;
      const e = exp4(f32x4.sub(v128.load(xr + k), mv));
      if (!log) v128.store(or + k, e);
      se = f32x4.add(se, e);
    }
    if (rem > 0) {
      const e = exp4(f32x4.sub(tail, mv));
      if (!log) v128.store(or + tailAt, e);
      se = f32x4.add(se, e);
    }
    const s = hsum(se);
    const ls = <f64>Mathf.log(s);
    const so = stats + (<usize>r * 24);
    store<f64>(so, <f64>m);
    store<f64>(so, ls, 8);
    store<f64>(so, <f64>hsum(sx), 16);
    // Pass 3: out = e / Σ e, or x − max − log Σ e.
    const end = full + (rem > 0 ? 4 : 0);
    if (log) {
      // Two subtractions, as in JavaScript: m + log Σ would round away a small log next to a large max.
      const lv = f32x4.splat(<f32>ls);
      for (let j = 0; j < end; j += 4) {
        const k = <usize>j << 2;
        v128.store(or + k, f32x4.sub(f32x4.sub(v128.load(xr + k), mv), lv));
      }
    } else {
      const sv = f32x4.splat(s);
      for (let j = 0; j < end; j += 4) {
        const k = <usize>j << 2;
        v128.store(or + k, f32x4.div(v128.load(or + k), sv));
      }
    }
  }
}

/**
 * out[r·c + j] = (p[r·c + j] − shift)·scale[r] over `rows` contiguous rows of `c` float32: the
 * bulk of cross-entropy's gradient (softmax − smoothed one-hot)·dy, the caller subtracting
 * the one-hot part at each target. Rows need no alignment; like softmaxRows this writes up to
 * three floats past each row, the last row's into four spare floats the caller leaves.
 */
export function shiftScaleRows(p: usize, out: usize, scale: usize, rows: i32, c: i32, shift: f32): void {
  const sh = f32x4.splat(shift);
  for (let r = 0; r < rows; r++) {
    const pr = p + (<usize>(r * c) << 2);
    const or = out + (<usize>(r * c) << 2);
    const sv = v128.load32_splat(scale + (<usize>r << 2));
    for (let j = 0; j < c; j += 4) {
      const k = <usize>j << 2;
      v128.store(or + k, f32x4.mul(f32x4.sub(v128.load(pr + k), sh), sv));
    }
  }
}
