import {
  ArgumentError,
  DTypeError,
  asTensors,
  defineOp,
  div,
  mapBinary,
  mapUnary,
  mul,
  promoteTypes,
  promoteWithScalar,
  registerMethod,
  sub,
  zerosLike,
  type BinaryRow,
  type Tensor,
  type TensorOrScalar,
  type UnaryRow,
} from '@tsgrad/core';
import { eq, ge } from './compare.js';
import { log } from './exp-log.js';
import { logicalAnd } from './logical.js';
import { where } from './where.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `pow(this, exponent)`. */
    pow(exponent: TensorOrScalar): Tensor;
    /** `square(this)`. */
    square(): Tensor;
    /** `reciprocal(this)`. */
    reciprocal(): Tensor;
  }
}

/**
 * C's pow where JavaScript's differs: 1^y = 1 and (−1)^±∞ = 1 (JavaScript gives NaN), as
 * PyTorch computes them.
 */
function powC(a: number, b: number): number {
  const p = Math.pow(a, b);
  if (p === p) return p;
  return a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : p;
}

const powRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = powC(a[ai]!, b[bi]!);
};

const squareRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi]!;
    o[oi] = v * v;
  }
};

function powScalarRow(exponent: number): UnaryRow {
  if (exponent === 2) return squareRow;
  return (o, oi, os, x, xi, xs, n) => {
    for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = powC(x[xi]!, exponent);
  };
}

function checkOperand(arg: string, t: Tensor): void {
  if (t.dtype === 'bool') throw new DTypeError(`pow: ${arg} must be float32, float64 or int32, got bool`);
}

const Pow = defineOp({
  name: 'pow',
  inputs: ['a', 'b'],
  saves: ['a', 'b', 'output'],
  check: ({ a, b }) => {
    checkOperand('base', a);
    checkOperand('exponent', b);
  },
  forward: ({ a, b }) => mapBinary('pow', a, b, promoteTypes(a.dtype, b.dtype), powRow),
  backward: ({ dy, inputs: { a, b }, output, needsGrad }) => ({
    // ∂(aᵇ)/∂a = b·aᵇ⁻¹ (0 where b = 0, as PyTorch, so 0⁰ gives no NaN)
    a: needsGrad.a ? mul(dy, where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1))))) : null,
    // ∂(aᵇ)/∂b = aᵇ·log a (0 where a = 0 and b ≥ 0, the limit, as PyTorch)
    b: needsGrad.b ? mul(dy, where(logicalAnd(eq(a, 0), ge(b, 0)), 0, mul(output, log(a)))) : null,
  }),
});

const PowScalar = defineOp<'x', { exponent: number }>({
  name: 'powScalar',
  inputs: ['x'],
  check: ({ x }, { exponent }) => {
    checkOperand('base', x);
    if (x.dtype === 'int32' && Number.isInteger(exponent) && exponent < 0) {
      throw new ArgumentError(`pow: integers to negative integer powers are not allowed (int32 base, exponent ${exponent})`);
    }
  },
  forward: ({ x }, { exponent }) => mapUnary(x, promoteWithScalar(x.dtype, exponent), powScalarRow(exponent)),
  backward: ({ dy, inputs: { x }, args: { exponent } }) => ({
    // d(xᵉ) = e·xᵉ⁻¹ dx; e = 0 is constant (no 0·0⁻¹ = NaN at x = 0)
    x: exponent === 0 ? zerosLike(dy) : mul(dy, mul(pow(x, exponent - 1), exponent)),
  }),
});

/**
 * Elementwise `baseᵉˣᵖᵒⁿᵉⁿᵗ` with broadcasting. Either side may be a number. A number
 * exponent keeps a float base's dtype (int32 base: int32 for integer exponents ≥ 0, float32
 * otherwise); tensor operands follow the promotion rules; bool is refused. Gradients flow to
 * the base (b·aᵇ⁻¹) and to a tensor exponent (aᵇ·log a, NaN for negative bases as in PyTorch).
 *
 * ```ts
 * pow(x, 2)          // x²
 * pow(2, x)          // 2ˣ
 * pow(x, y)          // broadcasting
 * ```
 */
export function pow(base: TensorOrScalar, exponent: TensorOrScalar): Tensor {
  if (typeof exponent === 'number' && typeof base !== 'number') return PowScalar.apply({ x: base }, { exponent });
  const [a, b] = asTensors(base, exponent);
  return Pow.apply({ a, b }, {});
}

/** Elementwise x², keeping the dtype (`pow(x, 2)`). */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}

/** Elementwise 1/x; int32 gives float32 (`div(1, x)`). */
export function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

registerMethod('pow', pow);
registerMethod('square', square);
registerMethod('reciprocal', reciprocal);
