import {
  DTypeError,
  Tensor,
  allocate,
  asTensors,
  broadcastAll,
  broadcastStrides,
  coalesceDims,
  contiguousStrides,
  defineOp,
  fmtShape,
  forEachRow,
  promoteTypes,
  registerMethod,
  shapeSize,
  type DType,
  type TensorOrScalar,
} from '@tsgrad/core';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `where(condition, this, other)`: this where `condition` holds, else `other` (PyTorch's `x.where(cond, y)`). */
    where(condition: Tensor, other: TensorOrScalar): Tensor;
  }
}

/** Picks `a` where `condition` is true and `b` elsewhere, all three broadcast together. */
function whereKernel(condition: Tensor, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = broadcastAll('where', [condition.shape, a.shape, b.shape]);
  const out = allocate(dtype, shapeSize(shape));
  if (out.length === 0) return Tensor.fromData(out, shape);
  const { shape: s, strides } = coalesceDims(shape, [
    contiguousStrides(shape),
    broadcastStrides(condition.shape, condition.strides, shape),
    broadcastStrides(a.shape, a.strides, shape),
    broadcastStrides(b.shape, b.strides, shape),
  ]);
  const last = s.length - 1;
  const [os, cs, as, bs] = strides.map((st) => st[last]!) as [number, number, number, number];
  const cd = condition.storage.data;
  const ad = a.storage.data;
  const bd = b.storage.data;
  forEachRow(s, strides, [0, condition.offset, a.offset, b.offset], (o, n) => {
    let oi = o[0]!;
    let ci = o[1]!;
    let ai = o[2]!;
    let bi = o[3]!;
    for (let i = 0; i < n; i++, oi += os, ci += cs, ai += as, bi += bs) out[oi] = cd[ci] ? ad[ai]! : bd[bi]!;
  });
  return Tensor.fromData(out, shape);
}

const Where = defineOp<'condition' | 'a' | 'b', Record<string, never>, undefined, 'a' | 'b'>({
  name: 'where',
  inputs: ['condition', 'a', 'b'],
  differentiable: ['a', 'b'],
  saves: ['condition'],
  check: ({ condition, a, b }) => {
    if (condition.dtype !== 'bool') {
      throw new DTypeError(`where: condition must be a bool tensor, got ${condition.dtype} of shape ${fmtShape(condition.shape)}`);
    }
    broadcastAll('where', [condition.shape, a.shape, b.shape]);
  },
  forward: ({ condition, a, b }) => whereKernel(condition, a, b, promoteTypes(a.dtype, b.dtype)),
  backward: ({ dy, inputs: { condition }, needsGrad }) => ({
    a: needsGrad.a ? where(condition, dy, 0) : null, // d(where(c, a, b))/da = c
    b: needsGrad.b ? where(condition, 0, dy) : null, // .../db = ¬c
  }),
});

/**
 * Elementwise `condition ? a : b`. `condition` must be bool; `condition`, `a` and `b`
 * broadcast together. `a` and `b` may be numbers; the result dtype follows the promotion
 * rules (two numbers give int32 or float32). Gradients flow to `a` where the condition holds
 * and to `b` elsewhere.
 *
 * ```ts
 * where(gt(x, 0), x, 0)   // relu
 * ```
 */
export function where(condition: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [x, y] = asTensors(a, b);
  return Where.apply({ condition, a: x, b: y }, {});
}

registerMethod('where', (self: Tensor, condition: Tensor, other: TensorOrScalar) => where(condition, self, other));
