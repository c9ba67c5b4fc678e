import { mul, registerMethod, sub, type Tensor } from '@tsgrad/core';
import { defineFloatUnary } from './unary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `tanh(this)`. */
    tanh(): Tensor;
    /** `sigmoid(this)`. */
    sigmoid(): Tensor;
  }
}

const Tanh = defineFloatUnary({
  name: 'tanh',
  saves: ['output'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.tanh(x[xi]!);
  },
  backward: ({ dy, output: y }) => mul(dy, sub(1, mul(y, y))), // d(tanh x) = (1 − tanh²x) dx
});

const Sigmoid = defineFloatUnary({
  name: 'sigmoid',
  saves: ['output'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) {
      const v = x[xi]!;
      // e^v / (1 + e^v) for negative v keeps the relative accuracy of tiny outputs.
      if (v >= 0) {
        o[oi] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        o[oi] = e / (1 + e);
      }
    }
  },
  backward: ({ dy, output: y }) => mul(dy, mul(y, sub(1, y))), // dσ = σ(1 − σ) dx
});

/** Elementwise hyperbolic tangent. Float dtypes kept, int32 gives float32, bool refused. */
export function tanh(x: Tensor): Tensor {
  return Tanh.apply({ x }, {});
}

/** Elementwise logistic function 1/(1 + e⁻ˣ), without overflow for large |x|. dtypes as {@link tanh}. */
export function sigmoid(x: Tensor): Tensor {
  return Sigmoid.apply({ x }, {});
}

registerMethod('tanh', tanh);
registerMethod('sigmoid', sigmoid);
