import { ArgumentError, add, defineOp, mapBinary, mapUnary, mul, promoteTypes, registerMethod, sub, type Tensor } from '@tsgrad/core';
import {
  geluExactGradRow,
  geluExactRow,
  geluTanhGradRow,
  geluTanhRow,
  type GeluApproximate,
} from '../kernels/elementwise-gelu.js';
import { floatResultType } from './dtype-rules.js';
import { exp } from './exp-log.js';
import { pow } from './pow.js';
import { tanh } from './tanh-sigmoid.js';

export type { GeluApproximate } from '../kernels/elementwise-gelu.js';

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default): the exact erf form; `'tanh'`: the GPT-2 approximation. */
  approximate?: GeluApproximate;
}

declare module '@tsgrad/core' {
  interface Tensor {
    /** `gelu(this, opts)`. */
    gelu(opts?: GeluOptions): Tensor;
  }
}

interface GeluArgs {
  approximate: GeluApproximate;
}

const INV_SQRT_2PI = 0.3989422804014327;
const K = 0.7978845608028654;
const C = 0.044715;

/** gelu''(x) written with ops, so the fused backward stays differentiable to any order. */
function geluSecondDerivative(x: Tensor, approximate: GeluApproximate): Tensor {
  const x2 = mul(x, x);
  if (approximate === 'none') {
    // gelu'' = φ(x)(2 − x²)
    return mul(mul(exp(mul(x2, -0.5)), INV_SQRT_2PI), sub(2, x2));
  }
  // With u = k(x + c·x³), t = tanh u: gelu'' = (1 − t²)(u' + ½x(u'' − 2t·u'²)).
  const t = tanh(mul(add(x, mul(pow(x, 3), C)), K));
  const du = mul(add(mul(x2, 3 * C), 1), K);
  const d2u = mul(x, 6 * K * C);
  const inner = add(du, mul(mul(x, 0.5), sub(d2u, mul(mul(t, mul(du, du)), 2))));
  return mul(sub(1, mul(t, t)), inner);
}

const Gelu = defineOp<'x', GeluArgs>({
  name: 'gelu',
  inputs: ['x'],
  check: ({ x }) => void floatResultType('gelu', x.dtype),
  forward: ({ x }, { approximate }) =>
    mapUnary(x, floatResultType('gelu', x.dtype), approximate === 'tanh' ? geluTanhRow : geluExactRow),
  backward: ({ dy, inputs: { x }, args: { approximate } }) => ({ x: geluBackward(dy, x, approximate) }),
});

const GeluBackward = defineOp<'dy' | 'x', GeluArgs>({
  name: 'geluBackward',
  inputs: ['dy', 'x'],
  forward: ({ dy, x }, { approximate }) =>
    mapBinary('geluBackward', dy, x, floatResultType('geluBackward', promoteTypes(dy.dtype, x.dtype)),
      approximate === 'tanh' ? geluTanhGradRow : geluExactGradRow),
  backward: ({ dy: g, inputs: { dy, x }, args: { approximate }, needsGrad }) => ({
    dy: needsGrad.dy ? geluBackward(g, x, approximate) : null, // ∂(dy·gelu'(x))/∂dy = gelu'(x)
    x: needsGrad.x ? mul(mul(g, dy), geluSecondDerivative(x, approximate)) : null, // ∂/∂x = dy·gelu''(x)
  }),
});

/** dy·gelu'(x), fused (one pass, one allocation). */
function geluBackward(dy: Tensor, x: Tensor, approximate: GeluApproximate): Tensor {
  return GeluBackward.apply({ dy, x }, { approximate });
}

/**
 * Gaussian error linear unit, elementwise: x·Φ(x) with Φ the standard normal CDF (the exact
 * erf form, PyTorch's default), or with `approximate: 'tanh'` the GPT-2 form
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Any shape; float dtypes kept, int32 gives float32,
 * bool refused. The backward is fused and itself differentiable.
 */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  return Gelu.apply({ x }, { approximate });
}

registerMethod('gelu', gelu);
