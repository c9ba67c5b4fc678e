import { mul, registerMethod, type Tensor } from '@tsgrad/core';
import { erf as erfScalar } from '../kernels/elementwise-erf.js';
import { exp } from './exp-log.js';
import { defineFloatUnary } from './unary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `erf(this)`. */
    erf(): Tensor;
  }
}

const TWO_OVER_SQRT_PI = 1.1283791670955126;

const Erf = defineFloatUnary({
  name: 'erf',
  saves: ['x'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = erfScalar(x[xi]!);
  },
  backward: ({ dy, inputs: { x } }) => mul(dy, mul(exp(mul(mul(x, x), -1)), TWO_OVER_SQRT_PI)), // d erf = 2/√π e^(−x²) dx
});

/**
 * Elementwise error function 2/√π ∫₀ˣ e^(−t²) dt (W. J. Cody's rational approximations,
 * accurate to about 1e-16 relative in float64). Float dtypes kept, int32 gives float32.
 */
export function erf(x: Tensor): Tensor {
  return Erf.apply({ x }, {});
}

registerMethod('erf', erf);
