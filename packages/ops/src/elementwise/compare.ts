import { asTensors, registerMethod, type BinaryRow, type Tensor, type TensorOrScalar } from '@tsgrad/core';
import { defineBoolBinaryOp, type BoolBinaryOp } from './bool-binary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `eq(this, other)`. */
    eq(other: TensorOrScalar): Tensor;
    /** `ne(this, other)`. */
    ne(other: TensorOrScalar): Tensor;
    /** `lt(this, other)`. */
    lt(other: TensorOrScalar): Tensor;
    /** `le(this, other)`. */
    le(other: TensorOrScalar): Tensor;
    /** `gt(this, other)`. */
    gt(other: TensorOrScalar): Tensor;
    /** `ge(this, other)`. */
    ge(other: TensorOrScalar): Tensor;
  }
}

const eqRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! === b[bi]! ? 1 : 0;
};
const neRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! !== b[bi]! ? 1 : 0;
};
const ltRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! < b[bi]! ? 1 : 0;
};
const leRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! <= b[bi]! ? 1 : 0;
};
const gtRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! > b[bi]! ? 1 : 0;
};
const geRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! >= b[bi]! ? 1 : 0;
};

const Eq = defineBoolBinaryOp('eq', eqRow);
const Ne = defineBoolBinaryOp('ne', neRow);
const Lt = defineBoolBinaryOp('lt', ltRow);
const Le = defineBoolBinaryOp('le', leRow);
const Gt = defineBoolBinaryOp('gt', gtRow);
const Ge = defineBoolBinaryOp('ge', geRow);

function compare(op: BoolBinaryOp, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return op.apply({ a: x, b: y }, {});
}

/**
 * Elementwise `a == b` as a bool tensor, broadcasting `a` and `b` (any dtypes; a number is
 * converted to the other operand's dtype kind first, as in PyTorch). NaN equals nothing.
 * Not differentiable.
 */
export function eq(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Eq, a, b);
}

/** Elementwise `a != b` (bool, broadcasting); NaN differs from everything. */
export function ne(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Ne, a, b);
}

/** Elementwise `a < b` (bool, broadcasting); false where either side is NaN. */
export function lt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Lt, a, b);
}

/** Elementwise `a <= b` (bool, broadcasting); false where either side is NaN. */
export function le(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Le, a, b);
}

/** Elementwise `a > b` (bool, broadcasting); false where either side is NaN. */
export function gt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Gt, a, b);
}

/** Elementwise `a >= b` (bool, broadcasting); false where either side is NaN. */
export function ge(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare(Ge, a, b);
}

registerMethod('eq', eq);
registerMethod('ne', ne);
registerMethod('lt', lt);
registerMethod('le', le);
registerMethod('gt', gt);
registerMethod('ge', ge);
