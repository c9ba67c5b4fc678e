import { promoteTypes, isFloat, type DType } from '../dtype.js';
import { mapBinary, mapUnary, type UnaryRow } from '../kernels/elementwise.js';
import { addRow, divRow, mulRow, subRow } from '../kernels/arithmetic-rows.js';
import { defineOp, registerMethod } from '../registry.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { asTensors, type TensorOrScalar } from './scalar.js';

declare module '../tensor.js' {
  interface Tensor {
    /** `add(this, other, { alpha })`. */
    add(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
    /** `sub(this, other, { alpha })`. */
    sub(other: TensorOrScalar, opts?: { alpha?: number }): Tensor;
    /** `mul(this, other)`. */
    mul(other: TensorOrScalar): Tensor;
    /** `div(this, other)`. */
    div(other: TensorOrScalar): Tensor;
    /** `neg(this)`. */
    neg(): Tensor;
  }
}

const negRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = -x[xi]!;
};

/** Arithmetic on bool is refused, as in PyTorch (use logical ops). */
function arithmeticType(op: string, a: Tensor, b: Tensor): DType {
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === 'bool') throw new DTypeError(`${op}: arithmetic on two bool tensors is not supported; use logicalOr/logicalAnd`);
  return dtype;
}

const Add = defineOp({
  name: 'add',
  inputs: ['a', 'b'],
  saves: [],
  forward: ({ a, b }) => mapBinary('add', a, b, arithmeticType('add', a, b), addRow, 'add'),
  backward: ({ dy }) => ({ a: dy, b: dy }), // d(a+b) = da + db; broadcast dims summed centrally
});

const Sub = defineOp({
  name: 'sub',
  inputs: ['a', 'b'],
  saves: [],
  forward: ({ a, b }) => mapBinary('sub', a, b, arithmeticType('sub', a, b), subRow, 'sub'),
  backward: ({ dy, needsGrad }) => ({ a: dy, b: needsGrad.b ? neg(dy) : null }),
});

const Mul = defineOp({
  name: 'mul',
  inputs: ['a', 'b'],
  forward: ({ a, b }) => mapBinary('mul', a, b, promoteTypes(a.dtype, b.dtype), mulRow, 'mul'),
  backward: ({ dy, inputs: { a, b }, needsGrad }) => ({
    a: needsGrad.a ? mul(dy, b) : null, // d(ab)/da = b
    b: needsGrad.b ? mul(dy, a) : null,
  }),
});

const Div = defineOp({
  name: 'div',
  inputs: ['a', 'b'],
  forward: ({ a, b }) => {
    const dtype = promoteTypes(a.dtype, b.dtype);
    return mapBinary('div', a, b, isFloat(dtype) ? dtype : 'float32', divRow);
  },
  backward: ({ dy, inputs: { a, b }, needsGrad }) => ({
    a: needsGrad.a ? div(dy, b) : null, // d(a/b)/da = 1/b
    b: needsGrad.b ? neg(div(mul(dy, a), mul(b, b))) : null, // d(a/b)/db = -a/b²
  }),
});

const Neg = defineOp({
  name: 'neg',
  inputs: ['x'],
  saves: [],
  check: ({ x }) => {
    if (x.dtype === 'bool') throw new DTypeError('neg: negation of a bool tensor is not supported; use logicalNot');
  },
  forward: ({ x }) => mapUnary(x, x.dtype, negRow),
  backward: ({ dy }) => ({ x: neg(dy) }),
});

/**
 * Elementwise `a + alpha·b` with broadcasting; numbers act as 0-d tensors. The result dtype
 * follows the promotion rules (`float32 + float64 → float64`, `int32 + 0.5 → float32`).
 */
export function add(a: TensorOrScalar, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
  const [x, y] = asTensors(a, b);
  return Add.apply({ a: x, b: opts.alpha === undefined || opts.alpha === 1 ? y : mul(y, opts.alpha) }, {});
}

/** Elementwise `a − alpha·b` with broadcasting. */
export function sub(a: TensorOrScalar, b: TensorOrScalar, opts: { alpha?: number } = {}): Tensor {
  const [x, y] = asTensors(a, b);
  return Sub.apply({ a: x, b: opts.alpha === undefined || opts.alpha === 1 ? y : mul(y, opts.alpha) }, {});
}

/** Elementwise product with broadcasting. */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return Mul.apply({ a: x, b: y }, {});
}

/** Elementwise true division with broadcasting; integer inputs give float32. */
export function div(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return Div.apply({ a: x, b: y }, {});
}

/** Elementwise negation. */
export function neg(x: Tensor): Tensor {
  return Neg.apply({ x }, {});
}

registerMethod('add', add);
registerMethod('sub', sub);
registerMethod('mul', mul);
registerMethod('div', div);
registerMethod('neg', neg);
