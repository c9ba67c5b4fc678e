import {
  ArgumentError,
  ShapeError,
  Tensor,
  allocate,
  contiguousStrides,
  fmtShape,
  normalizeDim,
  promoteTypes,
  shapeSize,
  shapesEqual,
  slice,
  unsqueeze,
  type DType,
} from '@tsgrad/core';
import { copyInto } from '../kernels/strided-copy.js';
import { applyVariadic } from './variadic-op.js';

/** PyTorch's legacy rule: a 1-D empty tensor may sit in any cat and is skipped. */
function isSkippable(t: Tensor): boolean {
  return t.ndim === 1 && t.shape[0] === 0;
}

function checkTensors(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new ArgumentError(`${op}: expected a non-empty array of tensors`);
  }
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`${op}: tensors[${i}] must be a Tensor`);
  });
}

/**
 * Joins tensors along an existing dim: shapes `(a, n1, b)`, `(a, n2, b)`, ... give
 * `(a, n1 + n2 + ..., b)`. Every other dim must match; `dim` may be negative. The result
 * dtype is the promotion of all inputs (float32 with float64 gives float64; bool with int32
 * gives int32). A 1-D empty tensor is skipped wherever it appears, as in PyTorch. The
 * gradient of each input is the matching slice of the output's gradient.
 *
 * ```ts
 * cat([zeros([2, 3]), ones([2, 1])], -1).shape; // [2, 4]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensors('cat', tensors);
  const kept = tensors.map((t, i) => ({ t, i })).filter(({ t }) => !isSkippable(t));
  const dtype = tensors.map((t) => t.dtype).reduce<DType>((a, b) => promoteTypes(a, b), tensors[0]!.dtype);
  if (kept.length === 0) return Tensor.fromData(allocate(dtype, 0), [0]);
  const { t: first, i: firstIndex } = kept[0]!;
  if (first.ndim === 0) throw new ShapeError(`cat: zero-dimensional tensor (tensors[${firstIndex}]) cannot be concatenated`);
  const d = normalizeDim('cat', dim, first.ndim);
  // Where each input starts along dim in the output; -1 for skipped inputs.
  const starts = tensors.map(() => -1);
  let total = 0;
  for (const { t, i } of kept) {
    const sameRank = t.ndim === first.ndim;
    if (!sameRank || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new ShapeError(
        `cat: tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[${firstIndex}] has shape ${fmtShape(first.shape)}; ` +
          `sizes must match except in dim ${d}`,
      );
    }
    starts[i] = total;
    total += t.shape[d]!;
  }
  const shape = [...first.shape];
  shape[d] = total;
  const forward = () => {
    const out = allocate(dtype, shapeSize(shape));
    const strides = contiguousStrides(shape);
    for (const { t, i } of kept) {
      // Each input fills a block of the output: the output's strides, shifted along dim.
      copyInto(out, starts[i]! * strides[d]!, strides, t.storage.data, t.offset, t.strides, t.shape);
    }
    return Tensor.fromData(out, shape);
  };
  // d(cat) = the gradient sliced back into the pieces.
  return applyVariadic('cat', tensors, forward, (dy, needsGrad) =>
    tensors.map((t, i) => (needsGrad[i] && starts[i]! >= 0 ? slice(dy, d, starts[i]!, starts[i]! + t.shape[d]!) : null)),
  );
}

/**
 * Joins same-shaped tensors along a new dim: n tensors of shape `(a, b)` stacked at dim 1 give
 * `(a, n, b)`. `dim` ranges over `-(ndim + 1)..ndim`. Dtypes promote as in `cat`.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensors('stack', tensors);
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: tensors[${i}] has shape ${fmtShape(t.shape)} but tensors[0] has shape ${fmtShape(first.shape)}; all shapes must be equal`);
    }
  });
  const d = normalizeDim('stack', dim, first.ndim + 1);
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
