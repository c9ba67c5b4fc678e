import { add, div, mul, registerMethod, type Tensor } from '@tsgrad/core';
import { defineFloatUnary } from './unary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `exp(this)`. */
    exp(): Tensor;
    /** `log(this)`. */
    log(): Tensor;
    /** `log1p(this)`. */
    log1p(): Tensor;
  }
}

const Exp = defineFloatUnary({
  name: 'exp',
  saves: ['output'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.exp(x[xi]!);
  },
  backward: ({ dy, output }) => mul(dy, output), // d(eˣ) = eˣ dx
});

const Log = defineFloatUnary({
  name: 'log',
  saves: ['x'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log(x[xi]!);
  },
  backward: ({ dy, inputs: { x } }) => div(dy, x), // d(log x) = dx / x
});

const Log1p = defineFloatUnary({
  name: 'log1p',
  saves: ['x'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.log1p(x[xi]!);
  },
  backward: ({ dy, inputs: { x } }) => div(dy, add(x, 1)), // d(log(1+x)) = dx / (1+x)
});

/**
 * Elementwise eˣ. Any shape; float32/float64 keep their dtype, int32 gives float32, bool is
 * refused (DTypeError). Overflows to Infinity; `exp(-Infinity)` is exactly 0.
 */
export function exp(x: Tensor): Tensor {
  return Exp.apply({ x }, {});
}

/** Elementwise natural logarithm: NaN below 0, -Infinity at 0. dtypes as {@link exp}. */
export function log(x: Tensor): Tensor {
  return Log.apply({ x }, {});
}

/** Elementwise log(1 + x), accurate for small x. dtypes as {@link exp}. */
export function log1p(x: Tensor): Tensor {
  return Log1p.apply({ x }, {});
}

registerMethod('exp', exp);
registerMethod('log', log);
registerMethod('log1p', log1p);
