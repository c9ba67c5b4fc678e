import type { BinaryRow, UnaryRow } from '@tsgrad/core';
import { ERF_SMALL, erf, erfSmall, erfcxLarge } from './elementwise-erf.js';

/**
 * GELU row kernels. Exact form: gelu(x) = x·Φ(x), with the normal CDF Φ(x) = ½·erfc(−x/√2)
 * taken from Cody's scaled erfc times e^(−x²/2), the one exponential the forward needs
 * (none near 0) and that the backward shares with the density φ. Tanh form (GPT-2):
 * ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³), computed as x·σ(2u), one exponential.
 * The `...GradRow` kernels fuse the backward: dx = dy · gelu'(x) with a = dy and b = x.
 */

/** Which GELU: the exact erf form or the tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
/** √(2/π). */
const K = 0.7978845608028654;
const C = 0.044715;

/** Φ(v) given e = e^(−v²/2) (only read when |v| > 0.66). */
function normalCdf(v: number, e: number): number {
  const y = -v * SQRT1_2;
  const ay = Math.abs(y);
  if (ay <= ERF_SMALL) return 0.5 - 0.5 * erfSmall(y);
  const tail = 0.5 * erfcxLarge(ay) * e;
  return y > 0 ? tail : 1 - tail;
}

/** Φ(x), the standard normal CDF, to float64 accuracy (tails included). */
export function normalCdfExact(v: number): number {
  return normalCdf(v, v > 0.66 || v < -0.66 || v !== v ? Math.exp(-0.5 * v * v) : 0);
}

/** gelu'(x) = Φ(x) + x·φ(x) to float64 accuracy. */
export function geluExactGrad(v: number): number {
  const e = Math.exp(-0.5 * v * v);
  return normalCdf(v, e) + v * INV_SQRT_2PI * e;
}

/** gelu(x) = x·Φ(x). */
export const geluExactRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi]!;
    const e = v > 0.66 || v < -0.66 || v !== v ? Math.exp(-0.5 * v * v) : 0;
    o[oi] = v * normalCdf(v, e);
  }
};

/** gelu(x) ≈ x·σ(2u) = x / (1 + e^(−2u)) with u = k(x + c·x³). */
export const geluTanhRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi]!;
    o[oi] = v / (1 + Math.exp(-2 * K * (v + C * v * v * v)));
  }
};

/** dx = dy·(Φ(x) + x·φ(x)), φ(x) = e^(−x²/2)/√(2π). */
export const geluExactGradRow: BinaryRow = (o, oi, os, dy, di, ds, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, di += ds, xi += xs) {
    const v = x[xi]!;
    const e = Math.exp(-0.5 * v * v);
    o[oi] = dy[di]! * (normalCdf(v, e) + v * INV_SQRT_2PI * e);
  }
};

/**
 * dx = dy·(½(1 + t) + ½x(1 − t²)·u') with t = tanh u, u' = k(1 + 3c·x²); in terms of
 * s = σ(2u): ½(1 + t) = s and ½(1 − t²) = 2s(1 − s).
 */
export const geluTanhGradRow: BinaryRow = (o, oi, os, dy, di, ds, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, di += ds, xi += xs) {
    const v = x[xi]!;
    const v2 = v * v;
    const s = 1 / (1 + Math.exp(-2 * K * (v + C * v2 * v)));
    o[oi] = dy[di]! * (s + 2 * v * s * (1 - s) * K * (1 + 3 * C * v2));
  }
};

/** Reference GELU of one value, PyTorch's formulas: ½x(1 + erf(x/√2)) or the tanh form. */
export function geluReference(x: number, approximate: GeluApproximate): number {
  if (approximate === 'tanh') return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** Reference derivative of {@link geluReference}. */
export function geluGradReference(x: number, approximate: GeluApproximate): number {
  if (approximate === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    const t = Math.tanh(k * (x + 0.044715 * x ** 3));
    return 0.5 * (1 + t) + 0.5 * x * (1 - t ** 2) * k * (1 + 3 * 0.044715 * x ** 2);
  }
  return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-(x ** 2) / 2)) / Math.sqrt(2 * Math.PI);
}
