import {
  ArgumentError,
  ShapeError,
  Tensor,
  allocateUninitialized,
  cast,
  defineOp,
  fmtShape,
  promoteTypes,
  reshape,
  unsqueeze,
  type FloatDType,
  type Op,
} from '@tsgrad/core';
import type { FloatArray } from '../kernels/gemm.js';
import { matmulInto } from './matmul-driver.js';
import { matmul, matmulType } from './matmul.js';
import '../shape/matrix-transpose.js';

const Linear: Op<'x' | 'weight' | 'bias', Record<string, never>> = defineOp({
  name: 'linear',
  inputs: ['x', 'weight', 'bias'],
  saves: ['x', 'weight'],
  forward: ({ x, weight, bias }) => {
    const dtype = promoteTypes(matmulType('linear', x, weight), bias.dtype) as FloatDType;
    const outF = weight.shape[0]!;
    const rows = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
    const out = allocateUninitialized(dtype, rows * outF) as FloatArray;
    // Every output row starts as the bias; the GEMM then accumulates x·Wᵀ onto it.
    const b = cast(bias, dtype).toTypedArray() as FloatArray;
    for (let r = 0; r < rows; r++) out.set(b, r * outF);
    const x2 = x.ndim === 1 ? unsqueeze(x, 0) : x; // (..., rows, in)
    matmulInto(out, cast(x2, dtype), cast(weight, dtype).mT, x2.shape.slice(0, -2), true);
    return Tensor.fromData(out, [...x.shape.slice(0, -1), outF]);
  },
  backward: ({ dy, inputs: { x, weight }, needsGrad }) => {
    // Fields copied one by one: a literal spreading an object and adding a property is slow in
    // V8 and leaves a dictionary-mode object (see matmul-driver.ts).
    const grads = linearGrads(dy, x, weight, needsGrad);
    // db = dy summed over the leading dims (the engine sums the broadcast).
    return { x: grads.x, weight: grads.weight, bias: needsGrad.bias ? dy : null };
  },
});

/**
 * The gradients of `x·Wᵀ (+ b)` with respect to x and the weight, from the output's gradient
 * `dy`, written with ops (so they are differentiable again); null where `needsGrad` says none.
 */
export function linearGrads(
  dy: Tensor, x: Tensor, weight: Tensor, needsGrad: { readonly x: boolean; readonly weight: boolean },
): { x: Tensor | null; weight: Tensor | null } {
  const inF = weight.shape[1]!;
  const outF = weight.shape[0]!;
  const rows = x.shape.slice(0, -1).reduce((p, q) => p * q, 1);
  return {
    x: needsGrad.x ? matmul(dy, weight) : null, // dx = dy·W
    weight: needsGrad.weight ? matmul(reshape(dy, [rows, outF]).mT, reshape(x, [rows, inF])) : null, // dW = dyᵀ·x
  };
}

/** Throws unless x (..., in), weight (out, in) and bias (out) or none fit together (dtypes: see matmulType). */
export function checkLinearArgs(op: string, x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new ArgumentError(`${op}: x and weight must be Tensors`);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D (out, in), got shape ${fmtShape(weight.shape)}`);
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new ShapeError(
      `${op}: input features differ: x ${fmtShape(x.shape)} has ${x.shape[x.ndim - 1] ?? 'no'} features, weight ${fmtShape(weight.shape)} expects ${weight.shape[1]}`,
    );
  }
  matmulType(op, x, weight);
  if (bias === null) return;
  if (!(bias instanceof Tensor)) throw new ArgumentError(`${op}: bias must be a Tensor`);
  if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
    throw new ShapeError(`${op}: bias must have shape [${weight.shape[0]}] to match weight ${fmtShape(weight.shape)}, got ${fmtShape(bias.shape)}`);
  }
  matmulType(op, x, bias);
}

/**
 * A fully connected layer, `x · weightᵀ + bias` (PyTorch's `F.linear`): `x` of shape
 * `(..., in)`, `weight` `(out, in)`, optional `bias` `(out)`, result `(..., out)`. One GEMM reads
 * the weight transposed in place and accumulates onto the bias; all leading dims of `x` are
 * folded into the GEMM's rows. float32/float64, mixed operands promote.
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const b = bias ?? null;
  checkLinearArgs('linear', x, weight, b);
  return b === null ? matmul(x, weight.mT) : Linear.apply({ x, weight, bias: b }, {});
}
