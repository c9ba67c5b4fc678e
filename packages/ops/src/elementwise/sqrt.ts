import { div, mul, registerMethod, type Tensor } from '@tsgrad/core';
import { defineFloatUnary } from './unary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `sqrt(this)`. */
    sqrt(): Tensor;
    /** `rsqrt(this)`. */
    rsqrt(): Tensor;
  }
}

const Sqrt = defineFloatUnary({
  name: 'sqrt',
  saves: ['output'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sqrt(x[xi]!);
  },
  backward: ({ dy, output }) => div(dy, mul(output, 2)), // d(√x) = dx / (2√x)
});

const Rsqrt = defineFloatUnary({
  name: 'rsqrt',
  saves: ['output'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = 1 / Math.sqrt(x[xi]!);
  },
  backward: ({ dy, output: y }) => mul(dy, mul(mul(mul(y, y), y), -0.5)), // d(x^-½) = -½ x^-3/2 dx = -½ y³ dx
});

/** Elementwise square root: NaN below 0. Float dtypes kept, int32 gives float32, bool refused. */
export function sqrt(x: Tensor): Tensor {
  return Sqrt.apply({ x }, {});
}

/** Elementwise 1/√x: Infinity at 0, NaN below 0. dtypes as {@link sqrt}. */
export function rsqrt(x: Tensor): Tensor {
  return Rsqrt.apply({ x }, {});
}

registerMethod('sqrt', sqrt);
registerMethod('rsqrt', rsqrt);
