import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  broadcastStrides,
  canBroadcastTo,
  castScalar,
  coalesceDims,
  contiguousStrides,
  defineOp,
  fmtShape,
  forEachRow,
  registerMethod,
} from '@tsgrad/core';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `maskedFill(this, mask, value)`. */
    maskedFill(mask: Tensor, value: number): Tensor;
  }
}

/** A row-major copy of `x` with `value` written wherever the broadcast `mask` is true. */
function maskedFillKernel(x: Tensor, mask: Tensor, value: number): Tensor {
  const out = x.isContiguous() ? x.storage.data.slice(x.offset, x.offset + x.size) : x.toTypedArray();
  if (out.length === 0) return Tensor.fromData(out, x.shape);
  const v = castScalar(value, x.dtype);
  const { shape, strides } = coalesceDims(x.shape, [contiguousStrides(x.shape), broadcastStrides(mask.shape, mask.strides, x.shape)]);
  const last = shape.length - 1;
  const os = strides[0]![last]!;
  const ms = strides[1]![last]!;
  const md = mask.storage.data;
  forEachRow(shape, strides, [0, mask.offset], (o, n) => {
    let oi = o[0]!;
    let mi = o[1]!;
    for (let i = 0; i < n; i++, oi += os, mi += ms) if (md[mi]) out[oi] = v;
  });
  return Tensor.fromData(out, x.shape);
}

const MaskedFill = defineOp<'x' | 'mask', { value: number }, undefined, 'x'>({
  name: 'maskedFill',
  inputs: ['x', 'mask'],
  differentiable: ['x'],
  saves: ['mask'],
  check: ({ x, mask }, { value }) => {
    if (mask.dtype !== 'bool') throw new DTypeError(`maskedFill: mask must be a bool tensor, got ${mask.dtype} of shape ${fmtShape(mask.shape)}`);
    if (!canBroadcastTo(mask.shape, x.shape)) {
      throw new ShapeError(`maskedFill: mask of shape ${fmtShape(mask.shape)} does not broadcast to the input's shape ${fmtShape(x.shape)}`);
    }
    if (typeof value !== 'number') throw new ArgumentError(`maskedFill: value must be a number, got ${typeof value}`);
  },
  forward: ({ x, mask }, { value }) => maskedFillKernel(x, mask, value),
  backward: ({ dy, inputs: { mask } }) => ({ x: maskedFill(dy, mask, 0) }), // filled positions are constants: gradient 0
});

/**
 * A copy of `x` with `value` wherever `mask` is true. `mask` must be bool and broadcast to
 * `x`'s shape (it may not grow `x`: ShapeError). `value` is cast to `x`'s dtype (-Infinity
 * for attention scores). Any dtype. The gradient is `dy` with the filled positions zeroed;
 * the mask gets none.
 *
 * ```ts
 * maskedFill(scores, causalMask.logicalNot(), -Infinity)   // (B, H, T, T) with a (T, T) mask
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return MaskedFill.apply({ x, mask }, { value });
}

registerMethod('maskedFill', maskedFill);
