import { asTensors, defineOp, mapBinary, mul, promoteTypes, registerMethod, type BinaryRow, type Tensor, type TensorOrScalar } from '@tsgrad/core';
import { eq, gt, lt } from './compare.js';
import { where } from './where.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `maximum(this, other)`. */
    maximum(other: TensorOrScalar): Tensor;
    /** `minimum(this, other)`. */
    minimum(other: TensorOrScalar): Tensor;
  }
}

// NaN on either side wins, as in PyTorch.
const maxRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) {
    const u = a[ai]!;
    const v = b[bi]!;
    o[oi] = u > v || u !== u ? u : v;
  }
};
const minRow: BinaryRow = (o, oi, os, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++, oi += os, ai += as, bi += bs) {
    const u = a[ai]!;
    const v = b[bi]!;
    o[oi] = u < v || u !== u ? u : v;
  }
};

/**
 * Share of the gradient the first operand of max/min gets: 1 where it won, ½ on ties, 0
 * where it lost. `loses(a, b)` is `lt` for maximum and `gt` for minimum.
 */
function share(a: Tensor, b: Tensor, loses: typeof lt): Tensor {
  return where(loses(a, b), 0, where(eq(a, b), 0.5, 1));
}

const Maximum = defineOp({
  name: 'maximum',
  inputs: ['a', 'b'],
  forward: ({ a, b }) => mapBinary('maximum', a, b, promoteTypes(a.dtype, b.dtype), maxRow),
  backward: ({ dy, inputs: { a, b }, needsGrad }) => ({
    a: needsGrad.a ? mul(dy, share(a, b, lt)) : null, // d max(a,b)/da = [a > b] + ½[a = b]
    b: needsGrad.b ? mul(dy, share(b, a, lt)) : null,
  }),
});

const Minimum = defineOp({
  name: 'minimum',
  inputs: ['a', 'b'],
  forward: ({ a, b }) => mapBinary('minimum', a, b, promoteTypes(a.dtype, b.dtype), minRow),
  backward: ({ dy, inputs: { a, b }, needsGrad }) => ({
    a: needsGrad.a ? mul(dy, share(a, b, gt)) : null, // d min(a,b)/da = [a < b] + ½[a = b]
    b: needsGrad.b ? mul(dy, share(b, a, gt)) : null,
  }),
});

/**
 * Elementwise maximum of `a` and `b` with broadcasting (either may be a number); dtype by the
 * promotion rules; NaN propagates. On ties the gradient is split half/half, as in PyTorch.
 */
export function maximum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return Maximum.apply({ a: x, b: y }, {});
}

/** Elementwise minimum, the mirror of {@link maximum}. */
export function minimum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return Minimum.apply({ a: x, b: y }, {});
}

registerMethod('maximum', maximum);
registerMethod('minimum', minimum);
