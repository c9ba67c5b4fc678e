import { defineOp, mapUnary, registerMethod, type Tensor, type UnaryRow } from '@tsgrad/core';
import { refuseBool } from './dtype-rules.js';
import { gt } from './compare.js';
import { where } from './where.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `relu(this)`. */
    relu(): Tensor;
  }
}

// `v < 0 ? 0 : v` rather than `v > 0 ? v : 0` so that NaN propagates, as in PyTorch.
const reluRow: UnaryRow = (o, oi, os, x, xi, xs, n) => {
  for (let i = 0; i < n; i++, oi += os, xi += xs) {
    const v = x[xi]!;
    o[oi] = v < 0 ? 0 : v;
  }
};

const Relu = defineOp({
  name: 'relu',
  inputs: ['x'],
  saves: ['output'],
  check: ({ x }) => refuseBool('relu', 'x', x.dtype),
  forward: ({ x }) => mapUnary(x, x.dtype, reluRow),
  backward: ({ dy, output }) => ({ x: where(gt(output, 0), dy, 0) }), // d relu = [x > 0] dx (0 at 0, as PyTorch)
});

/** Elementwise max(x, 0), keeping the dtype (float32, float64, int32; bool refused). NaN stays NaN. */
export function relu(x: Tensor): Tensor {
  return Relu.apply({ x }, {});
}

registerMethod('relu', relu);
