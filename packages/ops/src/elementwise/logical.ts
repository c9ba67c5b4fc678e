import { defineOp, mapUnary, registerMethod, type BinaryRow, type Tensor, type UnaryRow } from '@tsgrad/core';
import { defineBoolBinaryOp } from './bool-binary-op.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `logicalAnd(this, other)`. */
    logicalAnd(other: Tensor): Tensor;
    /** `logicalOr(this, other)`. */
    logicalOr(other: Tensor): Tensor;
    /** `logicalXor(this, other)`. */
    logicalXor(other: Tensor): Tensor;
    /** `logicalNot(this)`. */
    logicalNot(): Tensor;
  }
}

// Any nonzero value (NaN included) counts as true, as in PyTorch.
const andRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! !== 0 && b[bi]! !== 0 ? 1 : 0;
};
const orRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = a[ai]! !== 0 || b[bi]! !== 0 ? 1 : 0;
};
const xorRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) o[oi] = (a[ai]! !== 0) !== (b[bi]! !== 0) ? 1 : 0;
};
const notRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) o[oi] = x[xi]! === 0 ? 1 : 0;
};

const And = defineBoolBinaryOp('logicalAnd', andRow);
const Or = defineBoolBinaryOp('logicalOr', orRow);
const Xor = defineBoolBinaryOp('logicalXor', xorRow);
const Not = defineOp<'x', Record<string, never>, undefined, never>({
  name: 'logicalNot',
  inputs: ['x'],
  differentiable: [],
  saves: [],
  forward: ({ x }) => mapUnary(x, 'bool', notRow),
  backward: () => ({}),
});

/**
 * Elementwise logical AND with broadcasting, giving bool. Meant for bool masks; other dtypes
 * count nonzero (and NaN) as true, as in PyTorch. Not differentiable.
 */
export function logicalAnd(a: Tensor, b: Tensor): Tensor {
  return And.apply({ a, b }, {});
}

/** Elementwise logical OR with broadcasting, giving bool (nonzero is true). */
export function logicalOr(a: Tensor, b: Tensor): Tensor {
  return Or.apply({ a, b }, {});
}

/** Elementwise logical XOR with broadcasting, giving bool (nonzero is true). */
export function logicalXor(a: Tensor, b: Tensor): Tensor {
  return Xor.apply({ a, b }, {});
}

/** Elementwise logical NOT, giving bool (true where `x` is zero). */
export function logicalNot(x: Tensor): Tensor {
  return Not.apply({ x }, {});
}

registerMethod('logicalAnd', logicalAnd);
registerMethod('logicalOr', logicalOr);
registerMethod('logicalXor', logicalXor);
registerMethod('logicalNot', logicalNot);
