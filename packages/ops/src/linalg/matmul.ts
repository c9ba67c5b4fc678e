import {
  ArgumentError,
  DTypeError,
  ShapeError,
  Tensor,
  allocateUninitialized,
  broadcastShapes,
  cast,
  defineOp,
  fmtShape,
  isFloat,
  promoteTypes,
  registerMethod,
  reshape,
  squeeze,
  unsqueeze,
  type FloatDType,
  type Op,
} from '@tsgrad/core';
import type { FloatArray } from '../kernels/gemm.js';
import { matmulInto } from './matmul-driver.js';
import '../shape/matrix-transpose.js';

declare module '@tsgrad/core' {
  interface Tensor {
    /** `matmul(this, other)`. */
    matmul(other: Tensor): Tensor;
  }
}

/** The broadcast batch shape of two operands of at least 2 dims, or a ShapeError naming both. */
export function matmulBatchShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  try {
    return broadcastShapes(op, aBatch, bBatch);
  } catch {
    throw new ShapeError(`${op}: batch dimensions ${fmtShape(aBatch)} and ${fmtShape(bBatch)} do not broadcast: ${fmtShape(a)} @ ${fmtShape(b)}`);
  }
}

/** The float dtype both operands are computed in; int32/bool are refused. */
export function matmulType(op: string, a: Tensor, b: Tensor): FloatDType {
  for (const [name, t] of [['a', a], ['b', b]] as const) {
    if (!isFloat(t.dtype)) {
      throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype} (cast integer tensors to a float dtype first)`);
    }
  }
  return promoteTypes(a.dtype, b.dtype) as FloatDType;
}

// Both operands have at least 2 dims here; public matmul turns 1-D operands into matrices.
const MatMul: Op<'a' | 'b', Record<string, never>> = defineOp({
  name: 'matmul',
  inputs: ['a', 'b'],
  forward: ({ a, b }) => {
    const dtype = matmulType('matmul', a, b);
    const batchShape = matmulBatchShape('matmul', a.shape, b.shape);
    const m = a.shape[a.ndim - 2]!;
    const n = b.shape[b.ndim - 1]!;
    // The GEMM writes every element (zeros for an empty k).
    const out = allocateUninitialized(dtype, batchShape.reduce((x, y) => x * y, 1) * m * n) as FloatArray;
    matmulInto(out, cast(a, dtype), cast(b, dtype), batchShape, false);
    return Tensor.fromData(out, [...batchShape, m, n]);
  },
  backward: ({ dy, inputs: { a, b }, needsGrad }) => ({
    a: needsGrad.a ? matmul(dy, b.mT) : null, // dA = dY·Bᵀ (broadcast batch dims summed by the engine)
    b: needsGrad.b ? gradB(a, b, dy) : null, // dB = Aᵀ·dY
  }),
});

/**
 * dB = Aᵀ·dY. When `b` is one matrix shared by a batch of `a`s (a Linear layer on `(B, T, C)`),
 * the batch sum is folded into the product's inner dim: one GEMM with k = B·T instead of B
 * GEMMs and a reduction.
 */
function gradB(a: Tensor, b: Tensor, dy: Tensor): Tensor {
  if (b.ndim === 2 && a.ndim > 2) {
    const rows = a.shape.slice(0, -1).reduce((x, y) => x * y, 1);
    const a2 = reshape(a, [rows, a.shape[a.ndim - 1]!]);
    const dy2 = reshape(dy, [rows, dy.shape[dy.ndim - 1]!]);
    // b = w.mT (a bias-free linear): (dYᵀ·A)ᵀ has b's column-major layout, so w's gradient
    // arrives contiguous instead of as a transposed view that must be copied column by column.
    if (b.strides[0] === 1 && b.strides[1] !== 1) return matmul(dy2.mT, a2).mT;
    return matmul(a2.mT, dy2);
  }
  return matmul(a.mT, dy);
}

/**
 * Matrix product with NumPy/PyTorch `matmul` semantics, by operand rank:
 * - 1-D · 1-D: dot product, a 0-d tensor;
 * - 2-D · 2-D: `(m, k) @ (k, n) -> (m, n)`;
 * - 1-D · N-D: the vector is a row `(1, k)` whose added dim is removed afterwards;
 * - N-D · 1-D: the vector is a column `(k, 1)`, removed afterwards;
 * - batched: leading dims broadcast, `(2, 1, 3, 4) @ (5, 4, 6) -> (2, 5, 3, 6)`.
 * float32 and float64; mixed operands promote (float32 @ float64 is float64). int32 and bool
 * are refused with a DTypeError (cast them to a float dtype first). Transposed views
 * (`w.mT`) and broadcast batch dims are read in place, without copies.
 *
 * ```ts
 * matmul(randn([2, 3, 4]), randn([4, 5])).shape; // [2, 3, 5]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) throw new ArgumentError('matmul: both arguments must be Tensors');
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  }
  matmulType('matmul', a, b);
  const inner = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (a.shape[a.ndim - 1] !== inner) {
    throw new ShapeError(`matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) return reshape(MatMul.apply({ a: unsqueeze(a, 0), b: unsqueeze(b, 1) }, {}), []);
  if (a.ndim === 1) return squeeze(MatMul.apply({ a: unsqueeze(a, 0), b }, {}), -2);
  if (b.ndim === 1) return squeeze(MatMul.apply({ a, b: unsqueeze(b, 1) }, {}), -1);
  matmulBatchShape('matmul', a.shape, b.shape);
  return MatMul.apply({ a, b }, {});
}

registerMethod('matmul', matmul);
