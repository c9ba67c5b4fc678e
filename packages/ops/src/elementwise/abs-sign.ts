import { defineOp, mapUnary, mul, registerMethod, zerosLike, type Tensor, type UnaryRow } from '@tsgrad/core';
import { refuseBool } from './dtype-rules.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `abs(this)`. */
    abs(): Tensor;
    /** `sign(this)`. */
    sign(): Tensor;
  }
}

const absRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.abs(x[xi]!);
};
const signRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = Math.sign(x[xi]!);
};

const Abs = defineOp({
  name: 'abs',
  inputs: ['x'],
  check: ({ x }) => refuseBool('abs', 'x', x.dtype),
  forward: ({ x }) => mapUnary(x, x.dtype, absRow),
  backward: ({ dy, inputs: { x } }) => ({ x: mul(dy, sign(x)) }), // d|x| = sign(x) dx (0 at 0, as PyTorch)
});

const Sign = defineOp({
  name: 'sign',
  inputs: ['x'],
  saves: [],
  check: ({ x }) => refuseBool('sign', 'x', x.dtype),
  forward: ({ x }) => mapUnary(x, x.dtype, signRow),
  backward: ({ dy }) => ({ x: zerosLike(dy) }), // sign is piecewise constant: zero gradient
});

/** Elementwise |x|, keeping the dtype (float32, float64, int32; bool refused). */
export function abs(x: Tensor): Tensor {
  return Abs.apply({ x }, {});
}

/**
 * Elementwise sign: -1, 0 or 1 (NaN stays NaN), keeping the dtype. Its gradient is zero, as
 * in PyTorch.
 */
export function sign(x: Tensor): Tensor {
  return Sign.apply({ x }, {});
}

registerMethod('abs', abs);
registerMethod('sign', sign);
