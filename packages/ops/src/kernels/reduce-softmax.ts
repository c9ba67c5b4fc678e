import type { TypedArray } from '@tsgrad/core';
import { softmaxRowsWasm } from './elementwise-wasm-softmax.js';

/**
 * Softmax and log-softmax kernels, forward and backward, over contiguous data viewed as
 * `outer × n × inner` with the softmax taken over the `n` axis. The last dim (`inner` = 1) runs
 * row by row; other dims sweep `inner` columns at once so every pass reads memory in order.
 * Rows subtract their maximum first, so large inputs do not overflow; -Infinity entries get
 * exactly 0 probability; a row of all -Infinity (or holding NaN or +Infinity) gives NaN, as
 * in PyTorch.
 */

/** The `outer × n × inner` view of a contiguous tensor, softmax over `n`. */
export interface SoftmaxLayout {
  outer: number;
  n: number;
  inner: number;
}

/** Splits `shape` around `dim` (a 0-d tensor is one row of one). */
export function softmaxLayout(shape: readonly number[], dim: number): SoftmaxLayout {
  if (shape.length === 0) return { outer: 1, n: 1, inner: 1 };
  const size = (from: number, to: number) => shape.slice(from, to).reduce((a, b) => a * b, 1);
  return { outer: size(0, dim), n: shape[dim]!, inner: size(dim + 1, shape.length) };
}

/**
 * y = softmax(x) (or log-softmax when `log`), `out` row-major from 0, `x` from `xOff`. Float32
 * over the last dim runs in WebAssembly SIMD when large enough (float32 arithmetic there).
 */
export function softmaxForward(x: TypedArray, xOff: number, out: TypedArray, layout: SoftmaxLayout, log: boolean): void {
  if (layout.inner !== 1) softmaxColumns(x, xOff, out, layout, log);
  else if (!(x instanceof Float32Array && out instanceof Float32Array && softmaxRowsWasm(out, x, xOff, layout.outer, layout.n, log))) {
    softmaxRows(x, xOff, out, layout.outer, layout.n, log);
  }
}

function softmaxRows(x: TypedArray, xOff: number, out: TypedArray, rows: number, n: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const xb = xOff + r * n;
    const ob = r * n;
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[xb + i]!;
      if (v > m) m = v;
    }
    let s = 0;
    if (log) {
      for (let i = 0; i < n; i++) s += Math.exp(x[xb + i]! - m);
      const ls = Math.log(s);
      for (let i = 0; i < n; i++) out[ob + i] = x[xb + i]! - m - ls;
    } else {
      for (let i = 0; i < n; i++) {
        const e = Math.exp(x[xb + i]! - m);
        out[ob + i] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let i = 0; i < n; i++) out[ob + i] = out[ob + i]! * inv;
    }
  }
}

function softmaxColumns(x: TypedArray, xOff: number, out: TypedArray, { outer, n, inner }: SoftmaxLayout, log: boolean): void {
  const mx = new Float64Array(inner);
  const sm = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    mx.fill(-Infinity);
    sm.fill(0);
    for (let k = 0; k < n; k++) {
      const xb = xOff + base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = x[xb + j]!;
        if (v > mx[j]!) mx[j] = v;
      }
    }
    for (let k = 0; k < n; k++) {
      const xb = xOff + base + k * inner;
      const ob = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const e = Math.exp(x[xb + j]! - mx[j]!);
        if (!log) out[ob + j] = e;
        sm[j] += e;
      }
    }
    for (let j = 0; j < inner; j++) sm[j] = log ? mx[j]! + Math.log(sm[j]!) : 1 / sm[j]!;
    for (let k = 0; k < n; k++) {
      const xb = xOff + base + k * inner;
      const ob = base + k * inner;
      if (log) for (let j = 0; j < inner; j++) out[ob + j] = x[xb + j]! - sm[j]!;
      else for (let j = 0; j < inner; j++) out[ob + j] = out[ob + j]! * sm[j]!;
    }
  }
}

/**
 * dx from dy and the forward's output y, `out` row-major from 0:
 * softmax: dx = y ∘ (dy − Σ dy∘y); log-softmax: dx = dy − eʸ ∘ Σ dy.
 */
export function softmaxBackward(
  dy: TypedArray, dyOff: number, y: TypedArray, yOff: number, out: TypedArray, layout: SoftmaxLayout, log: boolean,
): void {
  const { outer, n, inner } = layout;
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const gb = dyOff + base + k * inner;
      const yb = yOff + base + k * inner;
      if (log) for (let j = 0; j < inner; j++) acc[j] += dy[gb + j]!;
      else for (let j = 0; j < inner; j++) acc[j] += dy[gb + j]! * y[yb + j]!;
    }
    for (let k = 0; k < n; k++) {
      const gb = dyOff + base + k * inner;
      const yb = yOff + base + k * inner;
      const ob = base + k * inner;
      if (log) for (let j = 0; j < inner; j++) out[ob + j] = dy[gb + j]! - Math.exp(y[yb + j]!) * acc[j]!;
      else for (let j = 0; j < inner; j++) out[ob + j] = y[yb + j]! * (dy[gb + j]! - acc[j]!);
    }
  }
}

/** Plain reference of {@link softmaxForward}: one (outer, inner) line at a time, textbook formula. */
export function softmaxForwardReference(x: ArrayLike<number>, layout: SoftmaxLayout, log: boolean): Float64Array {
  const { outer, n, inner } = layout;
  const out = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * n + k) * inner + j;
      const line = Array.from({ length: n }, (_, k) => x[at(k)]!);
      const m = Math.max(...line);
      const lse = m + Math.log(line.reduce((s, v) => s + Math.exp(v - m), 0));
      line.forEach((v, k) => (out[at(k)] = log ? v - lse : Math.exp(v - lse)));
    }
  }
  return out;
}

/** Plain reference of {@link softmaxBackward}. */
export function softmaxBackwardReference(
  dy: ArrayLike<number>, y: ArrayLike<number>, layout: SoftmaxLayout, log: boolean,
): Float64Array {
  const { outer, n, inner } = layout;
  const out = new Float64Array(outer * n * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const at = (k: number) => (o * n + k) * inner + j;
      let s = 0;
      for (let k = 0; k < n; k++) s += log ? dy[at(k)]! : dy[at(k)]! * y[at(k)]!;
      for (let k = 0; k < n; k++) {
        out[at(k)] = log ? dy[at(k)]! - Math.exp(y[at(k)]!) * s : y[at(k)]! * (dy[at(k)]! - s);
      }
    }
  }
  return out;
}
