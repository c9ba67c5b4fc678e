import {
  ArgumentError,
  Tensor,
  allocateUninitialized,
  add,
  defineOp,
  isGradEnabled,
  mapBinary,
  mapUnary,
  mul,
  promoteTypes,
  registerMethod,
  sub,
  type BinaryRow,
} from '@tsgrad/core';
import {
  geluExactGradRow,
  geluExactRow,
  geluTanhGradRow,
  geluTanhRow,
  type GeluApproximate,
} from '../kernels/elementwise-gelu.js';
import { geluExactGradRowF32, geluExactRowF32, geluExactWithGradF32 } from '../kernels/elementwise-gelu-table.js';
import { geluWithGradWasm } from '../kernels/elementwise-wasm-gelu.js';
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

interface GeluForwardArgs extends GeluArgs {
  /** Also compute gelu'(x) for the coming backward (grad mode on and x requires grad). */
  keepDerivative: boolean;
}

const Gelu = defineOp<'x', GeluForwardArgs, Float32Array | null>({
  name: 'gelu',
  inputs: ['x'],
  check: ({ x }) => void floatResultType('gelu', x.dtype),
  forward: ({ x }, { approximate, keepDerivative }) => {
    const dtype = floatResultType('gelu', x.dtype);
    if (keepDerivative && approximate === 'none' && x.dtype === 'float32' && x.isContiguous()) {
      // Both kernels yield gelu' for little more than gelu alone.
      const y = allocateUninitialized('float32', x.size);
      const derivative = allocateUninitialized('float32', x.size);
      // WebAssembly SIMD (float32 math, ~1.5e-6 relative); the JavaScript table kernel where it declines.
      const xs = x.storage.data;
      if (!(xs instanceof Float32Array && geluWithGradWasm(y, derivative, xs, x.offset, x.size))) {
        geluExactWithGradF32(y, derivative, xs, x.offset, x.size);
      }
      return { output: Tensor.fromData(y, x.shape), saved: derivative };
    }
    const row = approximate === 'tanh' ? geluTanhRow : dtype === 'float32' ? geluExactRowF32 : geluExactRow;
    return { output: mapUnary(x, dtype, row), saved: null };
  },
  backward: ({ dy, inputs: { x }, args: { approximate }, saved }) => ({ x: geluBackward(dy, x, approximate, saved) }),
});

interface GeluBackwardArgs extends GeluArgs {
  /** gelu'(x) (float32, x's shape, row-major) kept by the forward, or null. */
  derivative: Float32Array | null;
}

/** out = a·b: dy times the kept derivative. */
const mulRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! * b[bi]!;
};

const GeluBackward = defineOp<'dy' | 'x', GeluBackwardArgs>({
  name: 'geluBackward',
  inputs: ['dy', 'x'],
  forward: ({ dy, x }, { approximate, derivative }) => {
    const dtype = floatResultType('geluBackward', promoteTypes(dy.dtype, x.dtype));
    if (derivative !== null && dtype === 'float32') {
      return mapBinary('geluBackward', dy, Tensor.fromData(derivative, x.shape), dtype, mulRow, 'mul');
    }
    const row = approximate === 'tanh' ? geluTanhGradRow : dtype === 'float32' ? geluExactGradRowF32 : geluExactGradRow;
    return mapBinary('geluBackward', dy, x, dtype, row);
  },
  backward: ({ dy: g, inputs: { dy, x }, args: { approximate }, needsGrad }) => ({
    dy: needsGrad.dy ? geluBackward(g, x, approximate, null) : null, // ∂(dy·gelu'(x))/∂dy = gelu'(x)
    x: needsGrad.x ? mul(mul(g, dy), geluSecondDerivative(x, approximate)) : null, // ∂/∂x = dy·gelu''(x)
  }),
});

/** dy·gelu'(x), fused (one pass, one allocation), from the forward's gelu' when it kept one (differentiable). */
export function geluBackward(dy: Tensor, x: Tensor, approximate: GeluApproximate, derivative: Float32Array | null): Tensor {
  return GeluBackward.apply({ dy, x }, { approximate, derivative });
}

/**
 * Gaussian error linear unit, elementwise: x·Φ(x) with Φ the standard normal CDF (the exact
 * erf form, PyTorch's default), or with `approximate: 'tanh'` the GPT-2 form
 * ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Any shape; float dtypes kept, int32 gives float32,
 * bool refused. The backward is fused and itself differentiable. float32 results of the erf
 * form come from an interpolated table (about 1e-7 relative), or when a gradient will be
 * needed from a WebAssembly SIMD kernel that computes gelu and gelu' together in float32
 * (about 1.5e-6 relative); float64 ones from the float64 formulas.
 */
export function gelu(x: Tensor, opts: GeluOptions = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  }
  return Gelu.apply({ x }, { approximate, keepDerivative: isGradEnabled() && x.requiresGrad });
}

registerMethod('gelu', gelu);
