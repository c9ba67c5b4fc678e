import { Tensor, allocate, checkNormalizedDim, defineOp, mul, neg, normalizeDim, promoteTypes, registerMethod, sub, sum, type Op, type TypedArray } from '@tsgrad/core';
import { floatResultType } from '../elementwise/dtype-rules.js';
import { exp } from '../elementwise/exp-log.js';
import { softmaxBackward, softmaxForward, softmaxLayout } from '../kernels/reduce-softmax.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `softmax(this, dim)`. */
    softmax(dim: number): Tensor;
    /** `logSoftmax(this, dim)`. */
    logSoftmax(dim: number): Tensor;
  }
}

interface SoftmaxArgs {
  dim: number;
}

/** A tensor's elements row-major: its own storage when contiguous, else a copy. */
function rowMajor(t: Tensor): { data: TypedArray; offset: number } {
  return t.isContiguous() ? { data: t.storage.data, offset: t.offset } : { data: t.toTypedArray(), offset: 0 };
}

function forwardKernel(op: string, x: Tensor, dim: number, log: boolean): Tensor {
  const { data, offset } = rowMajor(x);
  const out = allocate(floatResultType(op, x.dtype), x.size);
  softmaxForward(data, offset, out, softmaxLayout(x.shape, dim), log);
  return Tensor.fromData(out, x.shape);
}

function backwardKernel(op: string, dy: Tensor, y: Tensor, dim: number, log: boolean): Tensor {
  const g = rowMajor(dy);
  const v = rowMajor(y);
  const out = allocate(floatResultType(op, promoteTypes(dy.dtype, y.dtype)), y.size);
  softmaxBackward(g.data, g.offset, v.data, v.offset, out, softmaxLayout(y.shape, dim), log);
  return Tensor.fromData(out, y.shape);
}

const Softmax = defineOp<'x', SoftmaxArgs>({
  name: 'softmax',
  inputs: ['x'],
  saves: ['output'],
  check: ({ x }, { dim }) => {
    floatResultType('softmax', x.dtype);
    checkNormalizedDim('softmax', 'dim', dim, x.ndim);
  },
  forward: ({ x }, { dim }) => forwardKernel('softmax', x, dim, false),
  backward: ({ dy, output, args: { dim } }) => ({ x: SoftmaxBackward.apply({ dy, y: output }, { dim }) }),
});

// dx = y ∘ (dy − Σ dy∘y), fused; its own gradients, written with ops:
// ∂/∂dy: softmaxBackward(g, y); ∂/∂y: g ∘ (dy − Σ dy∘y) − dy ∘ Σ g∘y.
const SoftmaxBackward: Op<'dy' | 'y', SoftmaxArgs> = defineOp<'dy' | 'y', SoftmaxArgs>({
  name: 'softmaxBackward',
  inputs: ['dy', 'y'],
  check: ({ y }, { dim }) => checkNormalizedDim('softmaxBackward', 'dim', dim, y.ndim),
  forward: ({ dy, y }, { dim }) => backwardKernel('softmaxBackward', dy, y, dim, false),
  backward: ({ dy: g, inputs: { dy, y }, args: { dim }, needsGrad }) => ({
    dy: needsGrad.dy ? SoftmaxBackward.apply({ dy: g, y }, { dim }) : null,
    y: needsGrad.y ? sub(mul(g, sub(dy, sum(mul(dy, y), dim, true))), mul(dy, sum(mul(g, y), dim, true))) : null,
  }),
});

const LogSoftmax = defineOp<'x', SoftmaxArgs>({
  name: 'logSoftmax',
  inputs: ['x'],
  saves: ['output'],
  check: ({ x }, { dim }) => {
    floatResultType('logSoftmax', x.dtype);
    checkNormalizedDim('logSoftmax', 'dim', dim, x.ndim);
  },
  forward: ({ x }, { dim }) => forwardKernel('logSoftmax', x, dim, true),
  backward: ({ dy, output, args: { dim } }) => ({ x: LogSoftmaxBackward.apply({ dy, y: output }, { dim }) }),
});

// dx = dy − eʸ ∘ Σ dy, fused; its own gradients, written with ops:
// ∂/∂dy: g − Σ g∘eʸ; ∂/∂y: −g ∘ eʸ ∘ Σ dy.
const LogSoftmaxBackward: Op<'dy' | 'y', SoftmaxArgs> = defineOp<'dy' | 'y', SoftmaxArgs>({
  name: 'logSoftmaxBackward',
  inputs: ['dy', 'y'],
  check: ({ y }, { dim }) => checkNormalizedDim('logSoftmaxBackward', 'dim', dim, y.ndim),
  forward: ({ dy, y }, { dim }) => backwardKernel('logSoftmaxBackward', dy, y, dim, true),
  backward: ({ dy: g, inputs: { dy, y }, args: { dim }, needsGrad }) => {
    const p = exp(y);
    return {
      dy: needsGrad.dy ? sub(g, sum(mul(g, p), dim, true)) : null,
      y: needsGrad.y ? neg(mul(mul(g, p), sum(dy, dim, true))) : null,
    };
  },
});

/**
 * Softmax along `dim` (negative counts from the end): eˣ / Σ eˣ, computed stably by
 * subtracting each row's maximum, so `softmax([1000, 0])` is `[1, 0]`. -Infinity entries get
 * exactly 0; a row of all -Infinity gives NaN, as in PyTorch (attention handles fully masked
 * rows itself). Float dtypes kept, int32 gives float32, bool refused. Any shape; the last dim
 * is the fast path. The backward is fused and itself differentiable.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return Softmax.apply({ x }, { dim: normalizeDim('softmax', dim, x.ndim) });
}

/**
 * log(softmax(x)) along `dim`, computed as x − max − log Σ e^(x − max): no overflow and no
 * log(0) for very negative entries. -Infinity entries give -Infinity; a row of all -Infinity
 * gives NaN. dtypes as {@link softmax}.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return LogSoftmax.apply({ x }, { dim: normalizeDim('logSoftmax', dim, x.ndim) });
}

registerMethod('softmax', softmax);
registerMethod('logSoftmax', logSoftmax);
