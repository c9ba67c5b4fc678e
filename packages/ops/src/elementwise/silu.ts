import { add, defineOp, mapBinary, mul, promoteTypes, registerMethod, sub, type BinaryRow, type Tensor } from '@tsgrad/core';
import { floatResultType } from './dtype-rules.js';
import { sigmoid } from './tanh-sigmoid.js';
import { defineFloatUnary } from './unary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `silu(this)`. */
    silu(): Tensor;
  }
}

const Silu = defineFloatUnary({
  name: 'silu',
  saves: ['x'],
  row: (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) {
      const v = x[xi]!;
      o[oi] = v / (1 + Math.exp(-v));
    }
  },
  backward: ({ dy, inputs: { x } }) => siluBackward(dy, x),
});

/** dx = dy·σ(x)(1 + x(1 − σ(x))), with a = dy and b = x. */
const siluGradRow: BinaryRow = (o, oi, os, dy, di, ds, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, di += ds, xi += xs) {
    const v = x[xi]!;
    const s = 1 / (1 + Math.exp(-v));
    o[oi] = dy[di]! * s * (1 + v * (1 - s));
  }
};

const SiluBackward = defineOp({
  name: 'siluBackward',
  inputs: ['dy', 'x'],
  forward: ({ dy, x }) =>
    mapBinary('siluBackward', dy, x, floatResultType('siluBackward', promoteTypes(dy.dtype, x.dtype)), siluGradRow),
  backward: ({ dy: g, inputs: { dy, x }, needsGrad }) => {
    // ∂/∂dy = silu'(x); ∂/∂x = dy·silu''(x) with silu'' = σ(1 − σ)(2 + x(1 − 2σ)).
    const s = needsGrad.x ? sigmoid(x) : null;
    return {
      dy: needsGrad.dy ? siluBackward(g, x) : null,
      x: s ? mul(mul(g, dy), mul(mul(s, sub(1, s)), add(mul(x, sub(1, mul(s, 2))), 2))) : null,
    };
  },
});

/** dy·silu'(x), fused. */
function siluBackward(dy: Tensor, x: Tensor): Tensor {
  return SiluBackward.apply({ dy, x }, {});
}

/**
 * Sigmoid linear unit (swish), elementwise x·σ(x). Float dtypes kept, int32 gives float32,
 * bool refused. The backward is fused and itself differentiable.
 */
export function silu(x: Tensor): Tensor {
  return Silu.apply({ x }, {});
}

registerMethod('silu', silu);
